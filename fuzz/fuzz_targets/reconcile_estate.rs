//! Fuzz target: any bytes that parse as an `estate.json` must reconcile (or be refused with
//! a typed error) in both modes without panicking, and the position must render.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(estate) = serde_json::from_slice::<itam_core::estate::Estate>(data) else {
        return;
    };
    let Some(as_of) = chrono::NaiveDate::from_ymd_opt(2026, 1, 1) else {
        return;
    };
    let policy = itam_reconcile::Policy::new(as_of);
    if let Ok(both) = itam_reconcile::reconcile_both(&estate, &policy) {
        let _ = both.to_text();
        let _ = serde_json::to_string(&both.optimal);
        // The promise (manual, *The promise*): never more units short, summed over the
        // metrics each mode counts; per metric, when both count every product alike.
        let gap = &both.gap;
        assert!(gap.shortfall <= 0);
        if !gap.metrics_differ {
            assert!(
                gap.by_metric
                    .iter()
                    .all(|m| m.covered >= 0 && m.shortfall <= 0)
            );
        }
    }
    let _ = itam_reconcile::partition(&estate, 3);
});
