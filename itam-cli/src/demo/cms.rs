//! `itam demo --cms`: the configuration-management walkthrough on embedded demo data.
//!
//! A software release through the configuration management system and the definitive media
//! library of ISO/IEC 19770-1, with fixed timestamps so the output is the same on every run:
//! a change is authorized, the software is recorded and its definitive media checked in, a
//! release takes a licence, the software is deployed, a failed laptop is replaced from the
//! definitive spares, and the changes are evaluated and closed. The refusals on the way (no
//! authorization, not enough licences, a spare that does not match) are shown with their
//! reasons, and the audit trail at the end records all of it.

use chrono::{DateTime, TimeZone, Utc};
use itam_core::Report;
use itam_core::asset::{
    ConfigurationItem, HardwareDetails, LicenceDetails, LicenceForm, SoftwareDetails,
};
use itam_core::change::{ChangeId, ChangeStep};
use itam_core::cms::{AuditEntry, Authorization, Cms, Command};
use itam_core::dml::{Checksum, DefinitiveItem, DmlId, LicencePool, Media, SpareState};
use itam_core::id::AssetId;
use itam_core::lifecycle::LifecycleStage;
use itam_core::quality;
use itam_core::relationship::RelationshipKind;
use itam_core::version::{Version, VersionScheme};

const RULE: &str =
    "--------------------------------------------------------------------------------";

/// Runs the walkthrough and returns what it prints.
pub(crate) fn run() -> String {
    let mut demo = Demo::default();
    demo.script();
    demo.out
}

/// The demo's fixed clock: 2 March 2026, UTC.
fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, hour, minute, 0)
        .single()
        .unwrap_or(DateTime::UNIX_EPOCH)
}

fn laptop(id: &str, build: &str, stage: LifecycleStage) -> ConfigurationItem {
    ConfigurationItem::new(
        id,
        format!("Finance laptop {}", id.trim_start_matches("HW-")),
        HardwareDetails::physical("Contoso T14", format!("SN-{id}")).with_build_level(build),
    )
    .in_stage(stage)
    .owned_by("Finance")
    .in_unit("Finance")
    .at("Berlin office")
}

#[derive(Default)]
struct Demo {
    cms: Cms,
    out: String,
}

impl Demo {
    fn line(&mut self, text: &str) {
        self.out.push_str(text.trim_end());
        self.out.push('\n');
    }

    fn blank(&mut self) {
        self.out.push('\n');
    }

    fn section(&mut self, number: u32, title: &str) {
        self.blank();
        self.line(&format!("{number}. {title}"));
    }

    fn note(&mut self, text: &str) {
        self.line(&format!("   {text}"));
    }

    /// Prints the outcome of the last action from the audit trail: its last entry.
    fn report_last(&mut self, when: DateTime<Utc>, who: &str, what: &str) {
        let refusal = match self.cms.trail().last().map(|e| &e.event) {
            Some(itam_core::cms::AuditEvent::Refused { reason, .. }) => Some(reason.to_string()),
            _ => None,
        };
        let mark = if refusal.is_some() { "REFUSED" } else { "ok" };
        self.line(&format!(
            "   {}  {who:<8} {mark:<8} {what}",
            when.format("%H:%M")
        ));
        if let Some(reason) = refusal {
            self.line(&format!("{:28}because {reason}", ""));
        }
    }

    fn exec(&mut self, auth: Authorization, command: Command) {
        let (when, who, what) = (auth.at, auth.by.clone(), command.to_string());
        // The outcome, executed or refused, is read back from the audit trail.
        let _outcome = self.cms.execute(auth, command);
        self.report_last(when, &who, &what);
    }

    fn request(&mut self, change: &str, summary: &str, who: &str, when: DateTime<Utc>) {
        let _outcome = self.cms.request_change(change, summary, who, when);
        self.report_last(when, who, &format!("request {change}: {summary}"));
    }

    fn step(&mut self, change: &str, step: ChangeStep, who: &str, when: DateTime<Utc>) {
        let what = match &step {
            ChangeStep::Authorize => format!("authorize {change}"),
            ChangeStep::Reject { reason } => format!("reject {change}: {reason}"),
            ChangeStep::Implement => format!("mark {change} implemented"),
            ChangeStep::Evaluate { successful, note } => format!(
                "evaluate {change}: {} ({note})",
                if *successful {
                    "successful"
                } else {
                    "unsuccessful"
                }
            ),
            ChangeStep::Close => format!("close {change}"),
            other => format!("{other:?} {change}"),
        };
        let _outcome = self.cms.advance_change(change, step, who, when);
        self.report_last(when, who, &what);
    }

    fn free_licences(&self) -> String {
        self.cms
            .dml()
            .item("DML-EDITOR-32")
            .map_or_else(String::new, |i| {
                format!("{} of {} licences free", i.licences.free, i.licences.total)
            })
    }

    fn script(&mut self) {
        self.line("itam demo: a software release through the CMS and the definitive media library");
        self.line(RULE);
        self.line("ISO/IEC 19770-1:2017 7.6 asks that every change to an IT asset be authorized");
        self.line("(7.6.2) and that its execution be controlled and recorded (7.6.3). Here every");
        self.line("change goes through a command that names who authorizes it, under which change");
        self.line("record, and when; the CMS checks it, carries it out or refuses it, and appends");
        self.line("both the authorization and the outcome to an append-only audit trail.");
        self.blank();
        self.line("People: alice (finance, asks for the software), bob (change manager),");
        self.line("        carol (service desk, does the work), mallory (has no change record).");
        self.line("Clock:  fixed at 2 March 2026 (UTC), so this output is the same on every run.");

        let chg = |h, m| Authorization::under("CHG-1042", "carol", at(h, m));

        self.section(
            1,
            "A change is requested; nothing happens under it until it is authorized",
        );
        self.request(
            "CHG-1042",
            "roll out Acme Editor 3.2 to the finance team",
            "alice",
            at(9, 0),
        );
        let editor = ConfigurationItem::new(
            "SW-EDITOR-32",
            "Acme Editor 3.2",
            SoftwareDetails::executable(
                "Acme",
                "Editor",
                Version::new("3.2.0", VersionScheme::MultipartNumeric),
            )
            .with_tag_id("acme.com-editor-3.2.0"),
        )
        .in_stage(LifecycleStage::Acquisition)
        .owned_by("IT")
        .kept_by("Service desk");
        self.exec(chg(9, 1), Command::record(editor.clone()));
        self.step("CHG-1042", ChangeStep::Authorize, "bob", at(9, 5));

        self.section(
            2,
            "The software, the laptops and the licence are recorded as CIs",
        );
        self.exec(chg(9, 10), Command::record(editor));
        self.exec(
            chg(9, 10),
            Command::move_stage("SW-EDITOR-32", LifecycleStage::Release),
        );
        for id in ["HW-FIN-01", "HW-FIN-02"] {
            self.exec(
                chg(9, 11),
                Command::record(laptop(id, "gold-2026.1", LifecycleStage::Operation)),
            );
        }
        self.exec(
            chg(9, 12),
            Command::record(
                ConfigurationItem::new(
                    "LIC-EDITOR",
                    "Acme Editor proof of licence",
                    LicenceDetails {
                        form: LicenceForm::ProofOfLicence,
                        ent_id: None,
                        quantity: Some(2),
                    },
                )
                .in_stage(LifecycleStage::Operation)
                .owned_by("Procurement"),
            ),
        );
        self.exec(
            chg(9, 12),
            Command::relate("SW-EDITOR-32", RelationshipKind::LicensedBy, "LIC-EDITOR"),
        );
        self.exec(
            chg(9, 13),
            Command::relate("SW-EDITOR-32", RelationshipKind::InstalledOn, "HW-NOPE"),
        );
        self.note(
            "(a relationship to an item the CMS does not know is refused: referential integrity)",
        );

        self.section(
            3,
            "The definitive media is checked into the DML with its licence pool",
        );
        self.exec(
            chg(9, 15),
            Command::CheckIn {
                item: DefinitiveItem {
                    id: DmlId::new("DML-EDITOR-32"),
                    software: AssetId::new("SW-EDITOR-32"),
                    version: Version::new("3.2.0", VersionScheme::MultipartNumeric),
                    media: Media::Electronic,
                    checksum: Some(Checksum::sha256(
                        "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
                    )),
                    storage_location: "dml://software/acme/editor/3.2.0".into(),
                    licences: LicencePool::new(2),
                },
            },
        );
        let pool = self.free_licences();
        self.note(&format!("DML-EDITOR-32: {pool}"));

        self.section(
            4,
            "A release without a change record is refused and changes nothing",
        );
        self.exec(
            Authorization::without_change("mallory", at(9, 20)),
            Command::release("DML-EDITOR-32", 1, "HW-FIN-01"),
        );
        let pool = self.free_licences();
        self.note(&format!("DML-EDITOR-32: still {pool}"));

        self.section(
            5,
            "The release under CHG-1042 takes a licence and writes a release record",
        );
        self.exec(
            chg(9, 30),
            Command::release("DML-EDITOR-32", 1, "HW-FIN-01"),
        );
        let pool = self.free_licences();
        self.note(&format!("DML-EDITOR-32: {pool}"));
        let record = self.cms.dml().releases().last().map(|r| {
            format!(
                "release record #{}: {} {} for {}, {} licence, by {} under {} (audit #{})",
                r.number, r.software, r.version, r.to, r.quantity, r.by, r.change, r.audit
            )
        });
        if let Some(record) = record {
            self.note(&record);
        }

        self.section(
            6,
            "A release that needs more licences than are free is refused",
        );
        self.exec(
            chg(9, 35),
            Command::release("DML-EDITOR-32", 2, "HW-FIN-02"),
        );
        let pool = self.free_licences();
        self.note(&format!("DML-EDITOR-32: still {pool}"));

        self.section(
            7,
            "Deployment: the CMS records the installation and the new stage",
        );
        self.exec(
            chg(9, 40),
            Command::relate("SW-EDITOR-32", RelationshipKind::InstalledOn, "HW-FIN-01"),
        );
        self.exec(
            chg(9, 45),
            Command::move_stage("SW-EDITOR-32", LifecycleStage::Deployment),
        );
        self.exec(
            chg(9, 50),
            Command::move_stage("SW-EDITOR-32", LifecycleStage::Operation),
        );
        self.exec(
            chg(9, 51),
            Command::move_stage("SW-EDITOR-32", LifecycleStage::Acquisition),
        );
        self.note("(the life cycle is a table: operation may go to deployment, release or");
        self.note(" retirement, never back to acquisition)");

        self.section(
            8,
            "A failed laptop is replaced from the definitive hardware spares",
        );
        let spare = |m| Authorization::under("CHG-1043", "carol", at(10, m));
        self.request(
            "CHG-1043",
            "replace failed laptop HW-FIN-02",
            "carol",
            at(10, 0),
        );
        self.step("CHG-1043", ChangeStep::Authorize, "bob", at(10, 2));
        for (id, build, minute) in [
            ("HW-SPARE-A", "gold-2025.4", 3),
            ("HW-SPARE-B", "gold-2026.1", 4),
        ] {
            self.exec(
                spare(minute),
                Command::record(laptop(id, build, LifecycleStage::Release)),
            );
            self.exec(
                spare(minute),
                Command::StoreSpare {
                    spare: id.into(),
                    storage_location: "spares cage 3".into(),
                },
            );
        }
        self.exec(
            spare(5),
            Command::check_out_spare("HW-SPARE-A", "HW-FIN-02"),
        );
        self.exec(
            spare(6),
            Command::check_out_spare("HW-SPARE-B", "HW-FIN-02"),
        );
        self.exec(
            spare(7),
            Command::relate("HW-SPARE-B", RelationshipKind::Supersedes, "HW-FIN-02"),
        );
        self.exec(
            spare(8),
            Command::move_stage("HW-FIN-02", LifecycleStage::Retirement),
        );

        self.section(9, "The changes are implemented, evaluated and closed");
        for (change, hour) in [("CHG-1042", 11), ("CHG-1043", 12)] {
            self.step(change, ChangeStep::Implement, "carol", at(hour, 0));
            self.step(
                change,
                ChangeStep::Evaluate {
                    successful: true,
                    note: "works as intended".into(),
                },
                "bob",
                at(hour, 30),
            );
            self.step(change, ChangeStep::Close, "bob", at(hour, 45));
        }
        self.exec(
            chg(13, 0),
            Command::release("DML-EDITOR-32", 1, "HW-FIN-02"),
        );
        self.note("(a closed change authorizes nothing more)");

        self.blank();
        self.line(RULE);
        self.line("The CMS afterwards");
        self.items_table();
        self.relationships();
        self.library();
        self.changes();

        self.json_form();

        self.blank();
        self.line(RULE);
        self.audit_trail();

        self.blank();
        self.line(RULE);
        self.quality();

        self.blank();
        let replayed = Cms::replay(self.cms.trail());
        let verdict = match replayed {
            Ok(ref rebuilt) if *rebuilt == self.cms => "yes, entry for entry".to_owned(),
            Ok(_) => "no: the rebuilt store differs".to_owned(),
            Err(e) => format!("no: {e}"),
        };
        self.line(&format!(
            "Replaying the audit trail from an empty CMS rebuilds the same CMS: {verdict}."
        ));
    }

    fn items_table(&mut self) {
        self.blank();
        self.line("   Configuration items");
        let rows: Vec<[String; 5]> = self
            .cms
            .items()
            .map(|ci| {
                let detail = if let Some(sw) = ci.software() {
                    format!("{} {} {}", sw.publisher, sw.product, sw.version)
                } else if let Some(hw) = ci.hardware() {
                    format!(
                        "{}, build {}",
                        hw.model.as_deref().unwrap_or("?"),
                        hw.build_level.as_deref().unwrap_or("?")
                    )
                } else {
                    ci.name.clone()
                };
                [
                    ci.id.to_string(),
                    ci.kind.class().to_string(),
                    ci.stage.to_string(),
                    ci.owner.clone().unwrap_or_else(|| "(none)".to_owned()),
                    detail,
                ]
            })
            .collect();
        self.table(["id", "kind", "stage", "owner", "what"], &rows);
    }

    fn table(&mut self, header: [&str; 5], rows: &[[String; 5]]) {
        let mut widths = header.map(str::len);
        for row in rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let render = |cells: [&str; 5]| {
            let mut s = String::from("     ");
            for (cell, w) in cells.iter().zip(widths) {
                s.push_str(&format!("{cell:<w$}  "));
            }
            s
        };
        self.line(&render(header));
        self.line(&render(
            widths.map(|w| "-".repeat(w)).each_ref().map(String::as_str),
        ));
        for row in rows {
            let cells = [
                row[0].as_str(),
                row[1].as_str(),
                row[2].as_str(),
                row[3].as_str(),
                row[4].as_str(),
            ];
            self.line(&render(cells));
        }
    }

    fn relationships(&mut self) {
        self.blank();
        self.line("   Relationships");
        let lines: Vec<String> = self
            .cms
            .relationships()
            .map(|r| format!("     {r}"))
            .collect();
        for l in lines {
            self.line(&l);
        }
    }

    fn library(&mut self) {
        self.blank();
        self.line("   Definitive media library");
        let mut lines = Vec::new();
        for item in self.cms.dml().items() {
            lines.push(format!(
                "     {}  {} {}, {} media at {}",
                item.id,
                item.software,
                item.version,
                item.media.as_str(),
                item.storage_location
            ));
            if let Some(sum) = &item.checksum {
                lines.push(format!(
                    "     {:width$}  checksum {sum}",
                    "",
                    width = item.id.as_str().len()
                ));
            }
            lines.push(format!(
                "     {:width$}  licences: {} total, {} released, {} free",
                "",
                item.licences.total,
                self.cms.dml().released(item.id.as_str()),
                item.licences.free,
                width = item.id.as_str().len()
            ));
        }
        for r in self.cms.dml().releases() {
            lines.push(format!(
                "     release #{}  {} x{} for {} under {} by {} at {}",
                r.number,
                r.item,
                r.quantity,
                r.to,
                r.change,
                r.by,
                r.at.format("%H:%M")
            ));
        }
        for s in self.cms.dml().spares() {
            let state = match &s.state {
                SpareState::InStore => "in the store".to_owned(),
                SpareState::CheckedOut { replaces, change } => {
                    format!("checked out, replacing {replaces} under {change}")
                }
                other => format!("{other:?}"),
            };
            lines.push(format!(
                "     spare {}  ({}): {state}",
                s.item, s.storage_location
            ));
        }
        for l in lines {
            self.line(&l);
        }
    }

    fn changes(&mut self) {
        self.blank();
        self.line("   Change records");
        let mut lines = Vec::new();
        for c in self.cms.changes() {
            lines.push(format!("     {}  {}  ({})", c.id, c.summary, c.state));
            let path: Vec<String> = c
                .history
                .iter()
                .map(|e| format!("{} by {} {}", e.state, e.by, e.at.format("%H:%M")))
                .collect();
            lines.push(format!(
                "     {:w$}  {}",
                "",
                path.join(" > "),
                w = c.id.as_str().len()
            ));
        }
        for l in lines {
            self.line(&l);
        }
    }

    fn audit_trail(&mut self) {
        let trail: Vec<AuditEntry> = self.cms.trail().to_vec();
        self.line(&format!(
            "The audit trail: {} entries, append-only; each request is followed by its outcome",
            trail.len()
        ));
        self.blank();
        self.line("     #  time   who      change    what");
        for e in &trail {
            let change = e.change.as_ref().map_or("-", ChangeId::as_str);
            self.line(&format!(
                "   {:>3}  {}  {:<8} {:<9} {}",
                e.seq,
                e.at.format("%H:%M"),
                e.by,
                change,
                e.event
            ));
        }
    }

    fn json_form(&mut self) {
        self.blank();
        self.line("   Every record has a stable JSON form; the software CI, for example:");
        let json = self
            .cms
            .item("SW-EDITOR-32")
            .and_then(|ci| serde_json::to_string_pretty(ci).ok())
            .unwrap_or_default();
        for l in json.lines() {
            self.line(&format!("     {l}"));
        }
    }

    fn quality(&mut self) {
        let here = self.cms.check();
        let imported = imported_export();
        self.line("Data quality: the rules of the \"trustworthy data\" tier of ISO/IEC 19770-1");
        self.blank();
        self.line(
            "   The CMS above was only ever changed through checked commands, so it is clean.",
        );
        self.line("   A CMS exported by another tool and read from JSON gets no such guarantee;");
        self.line("   the same rules find what is wrong with it:");
        self.blank();
        self.line("     rule           severity  above  export  what it checks");
        for rule in quality::CATALOGUE {
            self.line(&format!(
                "     {:<14} {:<8} {:>6} {:>7}  {}",
                rule.id,
                rule.severity.as_str(),
                here.by_rule(rule.id).count(),
                imported.by_rule(rule.id).count(),
                rule.summary
            ));
        }
        self.blank();
        let lines: Vec<String> = imported
            .findings()
            .iter()
            .map(|f| format!("     {f}"))
            .collect();
        for l in lines {
            self.line(&l);
        }
    }
}

/// A small CMS as another tool might export it, with one of each data-quality problem, and
/// its findings.
fn imported_export() -> Report {
    let export = serde_json::json!({
        "items": [
            {"id": "HW-OLD-7", "name": "Old desktop", "stage": "retirement",
             "responsibility": "organisation",
             "kind": {"class": "hardware", "form": "physical", "model": "Contoso D5"}},
            {"id": "SW-PDF", "name": "PDF reader", "stage": "operation", "owner": "IT",
             "responsibility": "organisation",
             "kind": {"class": "software", "form": "executable", "publisher": "Docs Inc",
                      "product": "Reader", "version": {"value": "11", "scheme": "multipartnumeric"}}}
        ],
        "relationships": [
            {"source": "SW-PDF", "kind": "installed_on", "target": "HW-OLD-7"},
            {"source": "SW-VIEWER", "kind": "installed_on", "target": "HW-OLD-7"},
            {"source": "HW-OLD-7", "kind": "depends_on", "target": "HW-GONE"}
        ],
        "dml": {
            "items": [
                {"id": "DML-VIEWER", "software": "SW-VIEWER",
                 "version": {"value": "2.0", "scheme": "multipartnumeric"},
                 "media": "physical", "storage_location": "safe 2",
                 "licences": {"total": 1, "free": 1}}
            ],
            "releases": [
                {"number": 1, "item": "DML-VIEWER", "software": "SW-VIEWER",
                 "version": {"value": "2.0", "scheme": "multipartnumeric"}, "quantity": 1,
                 "to": "HW-OLD-7", "change": "CHG-7", "by": "dave",
                 "at": "2025-11-04T08:00:00Z", "audit": 12}
            ]
        }
    });
    match serde_json::from_value::<Cms>(export) {
        Ok(cms) => cms.check(),
        Err(e) => {
            let mut report = Report::new();
            report.push(itam_core::Finding::new(
                "DEMO-JSON",
                itam_core::Severity::Error,
                itam_core::Location::root(),
                format!("the demo export does not read: {e}"),
            ));
            report
        }
    }
}

#[cfg(test)]
mod tests {
    use super::run;

    #[test]
    fn the_walkthrough_is_deterministic_and_shows_each_refusal() {
        let text = run();
        assert_eq!(text, run());
        for expected in [
            "because no change record authorizes this command",
            "because licence shortfall for `DML-EDITOR-32`: 2 needed, 1 free",
            "because spare `HW-SPARE-A` cannot replace `HW-FIN-02`: build level is `gold-2025.4` on the spare but `gold-2026.1` on the live item",
            "because change `CHG-1042` is requested, not authorized",
            "because change `CHG-1042` is closed, not authorized",
            "DML-EDITOR-32: 1 of 2 licences free",
            "Replaying the audit trail from an empty CMS rebuilds the same CMS: yes",
            "\"class\": \"software\"",
        ] {
            assert!(text.contains(expected), "missing: {expected}\n{text}");
        }
        // The export fires every rule of the catalogue at least once.
        for rule in itam_core::quality::CATALOGUE {
            assert!(
                text.contains(&format!("[{}]", rule.id)),
                "{} did not fire",
                rule.id
            );
        }
        assert!(!text.contains("DEMO-JSON"), "the embedded export must read");
        // No command that the story expects to succeed was refused.
        assert_eq!(text.matches("REFUSED  ").count(), 7);
    }
}
