//! `itam purchase`: the cheapest purchase that closes an estate's shortfall, from a price list,
//! and with `--renewal` the entitlements a renewal can drop ([`itam_reconcile::purchase`]).
//!
//! Exit status: 0 when the purchase covers every shortfall, 1 when something stays short (no
//! SKU covers it), 2 when an input could not be read or parsed or the engine refused the estate.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Args;
use itam_core::estate::Estate;
use itam_intake::{InputKind, Options};
use itam_reconcile::purchase::{self, Droppable, PriceList, Purchase};
use itam_reconcile::{Mode, Policy, reconcile};
use serde::Serialize;

use crate::pipeline;
use crate::reconcile::read_input;
use crate::report::{print, print_json, warn};

/// `itam purchase`.
#[derive(Debug, Args)]
pub(crate) struct PurchaseArgs {
    /// The estate: an estate.json, or a folder laid out as `itam reconcile` reads it.
    #[arg(value_name = "ESTATE.json|DIR")]
    estate: PathBuf,
    /// The price list: {"skus": [{"id", "scope": {"publisher", "product", "edition"},
    /// "metric", "units_per_pack", "price", "currency", "minimum_packs", "tiers":
    /// [{"from_packs", "price"}]}]}.
    #[arg(long, value_name = "PRICES.json")]
    prices: PathBuf,
    /// The as-of date of the position (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<NaiveDate>,
    /// Also lists the entitlements a renewal can drop without a new shortfall.
    #[arg(long)]
    renewal: bool,
    /// Branch-and-bound nodes before the best purchase found is given with a bound.
    #[arg(long, value_name = "N", default_value_t = purchase::Options::default().max_nodes)]
    max_nodes: u64,
    /// Prints JSON ({"purchase", "droppable"}) instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Json<'a> {
    purchase: &'a Purchase,
    #[serde(skip_serializing_if = "Option::is_none")]
    droppable: Option<&'a [Droppable]>,
}

/// Runs `itam purchase`.
pub(crate) fn run(args: &PurchaseArgs) -> ExitCode {
    match purchase_command(args) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            warn(&format!("itam: {e}"));
            ExitCode::from(crate::report::UNREADABLE)
        }
    }
}

fn load_estate(path: &Path, options: &Options) -> Result<Estate, String> {
    if path.is_dir() {
        let (estate, unused) = pipeline::read_with(path, options);
        for u in &unused {
            warn(&format!("pipeline: {u}"));
        }
        return Ok(estate);
    }
    let text = read_input(path, InputKind::Estate, options)?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn purchase_command(args: &PurchaseArgs) -> Result<u8, String> {
    let options = Options::default();
    let estate = load_estate(&args.estate, &options)?;
    // A price list is read under the ledger's limit (64 MiB): it is a commercial record too.
    let text = read_input(&args.prices, InputKind::Ledger, &options)?;
    let prices: PriceList = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a price list: {e}", args.prices.display()))?;
    let as_of = args
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let mut policy = Policy::new(as_of);
    policy.mode = Mode::Optimal;
    let position = reconcile(&estate, &policy).map_err(|e| e.to_string())?;
    let bought = purchase::cheapest(
        &position,
        &prices,
        &purchase::Options {
            max_nodes: args.max_nodes,
        },
    )
    .map_err(|e| format!("{}: {e}", args.prices.display()))?;
    let dropped = if args.renewal {
        Some(purchase::droppable(&estate, &policy).map_err(|e| e.to_string())?)
    } else {
        None
    };
    if args.json {
        let json = Json {
            purchase: &bought,
            droppable: dropped.as_deref(),
        };
        if !print_json(&json) {
            return Ok(crate::report::UNREADABLE);
        }
    } else {
        let mut out = format!(
            "The cheapest purchase closing the shortfall as of {as_of} ({} units short, optimal mode)\n\n",
            position.totals.shortfall
        );
        if bought.lines.is_empty() && bought.uncovered.is_empty() {
            out.push_str("  nothing to buy: no consumer is short\n");
        } else {
            out.push_str(&bought.to_text());
        }
        if let Some(dropped) = &dropped {
            out.push_str("\nEntitlements a renewal can drop without a new shortfall\n\n");
            if dropped.is_empty() {
                out.push_str("  none\n");
            }
            for d in dropped {
                let currency = d
                    .currency
                    .as_ref()
                    .map_or_else(String::new, |c| format!(" {}", c.code()));
                out.push_str(&format!(
                    "  {}: saves {}{currency}\n",
                    d.entitlement, d.saving
                ));
            }
        }
        print(&out);
    }
    Ok(if bought.uncovered.is_empty() { 0 } else { 1 })
}
