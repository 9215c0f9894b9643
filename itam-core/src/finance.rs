//! Financial records — fixed-asset register lines, purchase orders and invoice lines — the second
//! reconciliation input beside the CMS (ISO/IEC 19770-1: assets and expenses).
