//! Data-quality checks over the CMS, reported as findings.
