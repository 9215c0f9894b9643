//! The manual: the model, each metric, both modes, the reasons and the JSON forms.
