//! The manual: the model, each metric, both allocation modes, the reasons vocabulary and the
//! JSON forms.
//!
//! # The model
//!
//! Reconciliation answers: *for each product, is what we use covered by what we own, and
//! which right covers which use?* It runs in two layers over an
//! [`Estate`](itam_core::estate::Estate) under a [`Policy`](crate::Policy):
//!
//! 1. **Consumption.** Each product is counted in a metric (in Optimal mode possibly one
//!    per host or cluster; see below). The metric turns the product's installations (or
//!    usage peaks, measurements) into *consumers* — a device, a physical host, a cluster, a core-factor
//!    group, a user, an organisation unit or the whole estate — each needing a whole
//!    number of *units*. Where fractions occur (core factors, tiers) the rounding point
//!    is explicit.
//! 2. **Allocation.** Consumers are matched to the entitlements that may cover them, in
//!    Priority or Optimal mode. A consumer can be covered by several entitlements of its
//!    metric (units are fungible: 10 cores from one licence and 6 from another).
//!
//! A *product* is (publisher, product, edition), compared case-insensitively after trimming;
//! its versions are the software identities carrying that key, ordered by their version
//! scheme. A consumer's version is the highest version it uses (an upgrade right applies to
//! the highest version, as in Snow).
//!
//! ## Which metric a product is counted in
//!
//! An entitlement is a *candidate* for a product when its scope names it (tag id, publisher,
//! product, edition; a missing part matches anything; version, date and organisation are
//! checked later, per consumer). In **Priority** mode the product is counted in the metric
//! of its first *active* candidate in priority order (else its first candidate, else
//! [`Policy::default_metric`](crate::Policy::default_metric), `device`) — a deterministic
//! rule, the one commercial tools document. Candidates counting another metric are
//! rejected with `metric_differs`. More exactly the product is counted in a *counting rule*:
//! the metric and the contract terms it reads (see *Contract terms* below); a candidate of
//! the same metric under other terms is rejected `terms_differ`, and the optimiser may
//! choose its rule as it chooses metrics.
//!
//! In **Optimal** mode, when the active candidates count several catalogue metrics (SQL
//! Server per core per VM vs Enterprise on the host; Windows Server Standard with stacking
//! vs Datacenter; Oracle Processor vs Named User Plus), the metric is chosen per
//! *aggregation unit*: the installations' hosts, a clustered host standing for its whole
//! cluster, linked further when one consumer spans several (a named user working on two
//! hosts, an estate-wide or core-factor-group Oracle consumer). Each unit is counted in one
//! of the metrics, and the optimiser picks the combination that leaves the fewest units
//! short, then costs least (then uses the fewest true-up units; ties keep the Priority
//! metric). It is exact: every combination of a component is solved by the flow below (see
//! *Optimal mode*). The product then has one line per metric it was counted in, and each
//! consumer's candidates of the other metrics are rejected `metric_differs`. Only metrics
//! of active candidates are choices: the optimiser never switches to a metric nobody owns
//! because it counts fewer units.
//!
//! # The metric catalogue
//!
//! Cores are physical cores of a physical device and virtual cores of a VM; a VM's *host* is
//! the physical server it runs on; a host's *cluster* is given on the host. Examples are the
//! golden tests in `tests/metrics.rs`.
//!
//! | metric (JSON name) | consumer | units | example |
//! |---|---|---|---|
//! | `installation` | device | installations / `installs_per_licence`, rounded per `install_rounding` (up; nearest, halves up; down), at least 1 | 3 installs, 2 per licence → 2 (down: 1) |
//! | `device` | device | 1 | |
//! | `site` | device | 1 (site agreements are usually `unlimited`) | |
//! | `named_user` | user (a device for installations without a user) | 1 | |
//! | `concurrent_user` | org unit of the peak (or the estate) | Σ over versions of the highest peak | peaks 10 and 12 of v1, 5 of v2 → 17 |
//! | `core` | device | physical: max(cores, `core_min_per_processor` × sockets, `core_min_per_server`); VM: max(cores, `core_min_per_vm`); then rounded up to `core_pack` | 2×6 cores, 8 per processor, 16 per server → 16 |
//! | `processor` | host | sockets of the physical server | |
//! | `oracle_processor` | per `oracle_aggregation` | cores × core factor, summed over the scope, rounded up per `oracle_rounding` | 64 x86 cores → 32; 64 POWER cores → 64 |
//! | `oracle_nup` | as `oracle_processor` | max(distinct users, `oracle_nup_min_per_processor` (25) × processors) | 1 processor, 3 users → 25 |
//! | `oracle_se2` | host | sockets (a cloud instance: ceil(vCPU / 4)); hosts above `oracle_se2_max_sockets` (2) are outside the rule: every pair is rejected `metric_not_applicable` | 8 vCPU on AWS → 2 |
//! | `ibm_pvu` | host | physical cores × PVU per core (full capacity) | 16 Xeon cores × 70 → 1120 |
//! | `ibm_pvu_subcapacity` | host | min(Σ virtual cores of the VMs running it, host cores) × PVU; a physical install counts the host; at the reporting period's peak (below) | VMs 12 + 8 on 16 cores → 16 × 70 |
//! | `windows_server_standard` | host | max(cores, 8 × sockets, 16) × max(1, ceil(VMs / 2)) | 12 cores, 3 VMs → 16 × 2 = 32 |
//! | `windows_server_datacenter` | host | max(cores, 8 × sockets, 16) | 4 sockets × 4 cores → 32 |
//! | `sql_server_core` | device | physical: max(cores, 4 × sockets); VM: max(vcores, 4); in 2-core packs | VM with 5 cores → 6 |
//! | `sql_server_enterprise_core` | host | installed on the host: the host's max(cores, 4 × sockets); VMs only: min(host, Σ VM max(vcores, 4)) — the cheaper layer, never both | VMs 4 + 2 + 6 on 16 cores → 14 |
//! | `red_hat_socket_pair` | host | physical install: max(1, ceil(sockets / 2)); plus ceil(VMs / 2) | 4 sockets → 2; 3 VMs → 2 |
//! | `tiered` | device | each tier's factor applied to the units of `tier_basis` (cores; processors; the product's installations on the device) inside the tier, summed, rounded up once | tiers 8×1, 8×0.5, rest×0.25 on 20 cores → 13 |
//! | `memory` | device | the device's `memory_gb` (a VM's allocated memory), rounded up; a device without it is rejected `fact_missing` (1 unit short) | 47.5 GB → 48 |
//! | `node` | device | 1 (an operating-system instance, physical or virtual) | |
//! | `capacity` | device, else org unit (the estate) | Σ of the product's measurements of resource `capacity` on the device (without a device: in the org unit), rounded up | 12.5 TB → 13 |
//! | `transaction` | device, else org unit (the estate) | Σ of its measurements of resource `transaction`, as `capacity` | 1,200,000 + 250,000 in emea → 1,450,000 |
//! | `enterprise` | the estate | 1 (an enterprise-wide licence; the consumer's org unit is the deepest every use lies within) | |
//! | any other name with a definition | per its definition | see *Resources and user-defined metrics* | 64 GB + 1 node per copy, 256 GB → 4 |
//!
//! Names outside the catalogue are kept ([`Metric::Other`](itam_core::estate::Metric::Other));
//! one without a definition is counted per device, and every pair is rejected
//! `unknown_metric`.
//!
//! ## Resources and user-defined metrics
//!
//! A right may grant several resources at once: one copy of an in-memory database grants
//! 64 GB of memory *and* one node. A user-defined metric says so: a name outside the
//! catalogue with a [`MetricDefinition`](crate::MetricDefinition) — the entitlement's
//! `definition` term, else the policy's `params.definitions` entry of the name:
//!
//! ```json
//! {"resources": [{"resource": "memory_gb", "per_unit": 64}, {"resource": "nodes"}],
//!  "scope": "device"}
//! ```
//!
//! Each grant names a [`Resource`](crate::Resource) and how much of it one unit grants
//! (`per_unit`, above 0, default 1): `installations`, `nodes`, `cores` (virtual cores of a
//! VM), `processors`, `memory_gb`, `users` (distinct users of the installations),
//! `attribute:NAME` (the device's `attributes` entry) or `measured:NAME` (the product's
//! measurements of that resource, [`Measurement`](itam_core::estate::Measurement)). A consumer
//! needs, over the grants, the most of ⌈need ÷ per unit⌉, and at least 1 (the copy count of
//! OpTISAM's memory + node repartition). With `scope: device` (the default) every device
//! running the product — or measured for it — is a consumer, and measurements without a
//! device count for their org unit; with `scope: estate` the needs are pooled first (users
//! counted once) and the estate is one consumer: 256, 96 and 32 GB on three nodes need
//! 4 + 2 + 1 = 7 copies per device but max(⌈384 ÷ 64⌉, 3) = 6 pooled. Pooling never needs
//! more (a property test). A consumer whose record lacks a fact a grant counts (no
//! `memory_gb`, no such attribute) is outside the rule: it needs 1 unit and every pair is
//! rejected `fact_missing`, so no missing fact is counted as 0 in silence. `memory`,
//! `capacity` and `transaction` are the one-grant definitions `memory_gb`,
//! `measured:capacity`, `measured:transaction` per device (another property test).
//!
//! The definition is a contract term read by names outside the catalogue: entitlements whose
//! definitions differ count in different rules (a line shows
//! `definition=memory_gb/64+nodes/1@device`; a candidate with another definition is
//! rejected `terms_differ`, and Optimal chooses the cheaper shape per choice unit: 5 copies
//! of 64 GB at 100 against one of 256 GB at 300 plus one of 64 GB for 400). A definition
//! that cannot count (no resource, one twice, `per_unit` not above 0) is refused
//! ([`ReconcileError::InvalidTerms`](crate::ReconcileError::InvalidTerms): at
//! `/entitlements/N/terms` or `/params/definitions/NAME`). These metrics pool or count
//! org units, so their products are not split by [`partition()`](crate::partition()) (`memory`
//! and `node` are per device and may be). Worked examples:
//! `tests/data/scenarios/resource_metrics/` and `tests/data/scenarios/multi_resource/`. The
//! Ent projection reads a user-defined metric's grants from `Metric/Meta` (`resource`,
//! `perUnit`, `resourceScope`; `itam_ent::project`).
//!
//! ## Aggregation scope and rounding point
//!
//! The tools disagree on where Oracle processors are summed and rounded (Oracle: "aggregate,
//! multiply, round up"; BigFix: per core-factor group; OpTISAM: at a chosen tree level), so
//! both are parameters ([`MetricParams`](crate::MetricParams)):
//!
//! - `oracle_aggregation`: `host` (each physical server), `cluster` (the hosts of a cluster
//!   together), `core_factor_group` (all hosts of one factor across the estate), `estate`.
//! - `oracle_rounding`: `aggregate` (sum the fractions, round once) or `each_server` (round
//!   per server, then sum). Two hosts of 3 cores at 0.5 in one cluster: 3 vs 4.
//! - `oracle_soft_partitioning` (default true): a VM on a clustered host makes every host of
//!   the cluster a consumer (VMware-style soft partitioning licenses where the VM could run).
//! - `windows_stacking`: `host` counts the VMs on each host; `cluster` counts every VM of the
//!   cluster on every host of it (Snow's rule), licensing each host for all of them.
//! - Core factors and PVU per core come from the device (`core_factor`, `pvu_per_core`), else
//!   from the processor-model tables (`core_factors`, `pvu_per_core`: longest matching
//!   substring wins; Intel/AMD 0.5, POWER 1.0, SPARC T4/T5/M 0.5; Xeon 70 PVU, POWER 70), else
//!   the defaults (core factor 1.0 — "processor not in the table"; PVU 120 — ILMT's assumption
//!   when the hardware is unknown). The x86 PVU values are not confirmed against IBM's table.
//!
//! ## Contract terms
//!
//! The parameters a contract fixes belong to its entitlement: `terms`
//! ([`Terms`](crate::Terms)) on each [`Entitlement`](itam_core::estate::Entitlement), every
//! term optional, an unset one the policy's [`MetricParams`](crate::MetricParams) field of
//! the same name. A metric reads only its terms:
//!
//! | metric | terms it reads |
//! |---|---|
//! | `installation` | `installs_per_licence`, `install_rounding` |
//! | `core` | `core_min_per_processor`, `core_min_per_server`, `core_min_per_vm`, `core_pack` |
//! | `tiered` | `tiers`, `tier_basis` |
//! | `oracle_processor` | `oracle_aggregation`, `oracle_rounding`, `license_mobility` |
//! | `oracle_nup` | `oracle_aggregation`, `oracle_rounding`, `oracle_nup_min_per_processor`, `license_mobility` |
//! | `windows_server_standard`, `windows_server_datacenter` | `windows_stacking`, `license_mobility` |
//! | `sql_server_enterprise_core`, `oracle_se2` | `license_mobility` (see *Clusters and mobility*) |
//! | `ibm_pvu_subcapacity` | `peak_period_days` |
//! | a name outside the catalogue | `definition` (see *Resources and user-defined metrics*) |
//!
//! The metric with those terms, each filled from the policy where the entitlement leaves it
//! out, is the entitlement's *counting rule*. Entitlements with equal rules count the same
//! consumers the same way (a term equal to the policy's, or one the metric does not read,
//! splits nothing); a product line is a product counted in one rule. Under Priority a
//! product is counted in its first active candidate's rule and the candidates of its metric
//! under other terms are rejected `terms_differ`; Optimal chooses a rule per choice unit, as
//! it chooses metrics. A line counted under terms that differ from the policy's carries them
//! (`terms` in `position.json` and in the line's consumers, ` terms=name=value;…` in the text
//! form, a line under the table, the HTML report and the CSV); a line counted under the
//! policy's parameters shows none, so an estate without terms reconciles exactly as before.
//! Terms that cannot count are refused
//! ([`ReconcileError::InvalidTerms`](crate::ReconcileError::InvalidTerms), with the JSON path):
//! 0 installations per licence, a core pack of 0, an empty tier table, band ends that do not
//! rise, a band without an end before the last, a negative factor. The processor tables
//! (core factors, PVU per core) and Oracle soft partitioning stay in the policy: they are
//! the vendor's published rules, not a contract's.
//!
//! Worked examples with their hand calculations: `tests/data/scenarios/contract_terms/`
//! (4 installations per licence rounded to the nearest: 3, 1, 5 and 6 installations need
//! 1 + 1 + 1 + 2 = 5, not the 6 of rounding up; two contracts of one product, 2 per licence at
//! 50 and 1 per licence at 30: Priority leaves a device short, Optimal covers both for 80;
//! tiers over 48 cores 16 × 1 + 16 × 0.5 + 16 × 0.25 = 28, over 4 processors 2 × 1 + 2 × 0.5 =
//! 3) and `tests/data/scenarios/contract_terms_servers/` (Oracle processors summed over the
//! estate: ⌈1.5 + 2.5⌉ = 4 against 2 + 3 per server; a NUP minimum of 10 per processor: 20,
//! not 50; Windows Server Standard stacked over a 2-host cluster of 4 VMs: 64 cores, not 48).
//! The Ent projection reads the terms from `Metric/Meta` attributes (`itam_ent::project`).
//!
//! ## Clusters and mobility
//!
//! Where a VM may run is a fact of the estate, `placement` on the VM
//! ([`Placement`](itam_core::estate::Placement)): `fixed` (it stays on its host), `cluster`
//! (DRS or live migration: it may run on any host of its host's cluster), `hard_partition`
//! (an Oracle-approved hard partition: fixed, and its own cores are what Oracle counts). A
//! placement on a physical device is refused
//! ([`ReconcileError::InvalidPlacement`](crate::ReconcileError::InvalidPlacement)). The host
//! metrics read it:
//!
//! - `windows_server_standard`, `windows_server_datacenter`, `sql_server_enterprise_core`:
//!   a VM placed `cluster` counts on every host of its cluster (each host needs coverage for
//!   the VMs it may carry: a Datacenter licence on every host; Standard stacks the VMs that
//!   may be there; SQL Server Enterprise takes min(host, Σ those VMs)); `fixed` or no
//!   placement counts where it runs (`windows_stacking` cluster still counts every VM of the
//!   cluster on every host).
//! - `oracle_processor`, `oracle_nup`, `oracle_se2`: under soft partitioning
//!   (`oracle_soft_partitioning`, the default) every VM of a cluster counts on every host of it
//!   whatever its placement — Oracle does not recognise affinity rules — except a hard
//!   partition, which counts on its host only; Processor and NUP then count a host whose only
//!   contributors are hard partitions at min(Σ their cores, the host's cores) × core factor.
//! - The mobility right is the contract term `license_mobility` (License Mobility through
//!   Software Assurance: the licence follows the VM; policy default false), read by the
//!   metrics above: with it, every VM counts only on the host it runs on. As every term it is
//!   part of the counting rule (a line shows `license_mobility=true`; a candidate without it
//!   on that line is rejected `terms_differ`).
//!
//! Worked examples: `tests/data/scenarios/cluster_mobility/` (3 hosts of 16 cores, mobile VMs
//! of 4, 4 and 8 vCPU and a fixed one of 4: Windows Server Datacenter 3 × 16 = 48 instead of
//! 32; SQL Server Enterprise 12 + 16 + 12 = 40 instead of 4 + 12 = 16), `cluster_mobility_rights/`
//! (License Mobility on the SQL Server entitlement: 16), `hard_partition/` (a 4-core hard
//! partition on a 32-core host: 2 Oracle processors; a soft VM in the same 2-host cluster:
//! 32). Other host metrics (`processor`, `ibm_pvu`, `red_hat_socket_pair`) do not read the
//! placement.
//!
//! ## The reporting period's peak
//!
//! IBM licenses sub-capacity PVU at the highest total a product reaches on any day of the
//! reporting period (ILMT's reports, at most a quarter), not on the report's last day. The
//! estate's `capacity_samples` ([`CapacitySample`](itam_core::estate::CapacitySample)) say
//! what a device had on a day: its cores, and for a VM the host it ran on (a live migration
//! is a sample on the new host). A sample is the device's whole state from its day to its
//! next sample or the as-of day (a field it leaves out is the record's); the records are the
//! as-of state; at most one sample per device and day ([`ReconcileError::InvalidSample`](crate::ReconcileError::InvalidSample) otherwise, as for a
//! host named for a physical device or a host that is not physical).
//!
//! For `ibm_pvu_subcapacity`, the period is the `peak_period_days` (default 90) days ending
//! on the as-of day. The as-of state and every day of the period with a sample of one of the
//! product's devices (or of a server one ran on) are counted by the rule above, and the state
//! with the highest total is the line's demand, its consumers the servers as they stood that
//! day (the earliest day among equal totals; the as-of state when no day is higher). The
//! product line then carries `peak`: `from` (the period's first day), `at` (the day counted),
//! `as_of_units` (the as-of total, for comparison) and `sampled_days`; the text form adds
//! `peak=… period=…..… as_of_demand=… sampled_days=…`. Without samples in the period (or with
//! `peak_period_days` 0) the as-of state is counted and `peak` is left out. Installations are
//! the as-of ones: samples vary capacity and placement, not what is installed. Worked
//! example: `tests/data/scenarios/subcapacity_peak/` (VMs 4 + 4 on a 16-core host and 2 on
//! an 8-core one: 700 PVU as of; one VM scaled to 14 vCPU for a day: min(18, 16) × 70 + 140
//! = 1,260, the demand).
//!
//! ## Defects of other engines not copied
//!
//! Windows Standard stacking rounds the VM pairs up (3 VMs need the host twice, not 1.5×);
//! the per-VM minimum is a maximum (`max(vCPU, 8)`, not `min`); SQL Server Enterprise takes
//! the cheaper of host and VM layers instead of adding both; the optimiser keeps no state
//! between calls (OpTISAM's package-level candidate map leaked solutions across products).
//!
//! # Eligibility: the pair checks, in order
//!
//! For each consumer and each candidate entitlement, the first failing check gives the reason:
//! `unknown_metric` (a name outside the catalogue without a definition), `metric_differs`,
//! `terms_differ` (the line's metric under other contract terms), `metric_not_applicable`
//! and `fact_missing` (the consumer is outside the metric's rule), `expired` (end before
//! as-of), `not_yet_valid` (start
//! after as-of), then the version set (the scope's spans that apply to the software's tag
//! id: [`VersionSet::place`](itam_core::estate::VersionSet::place)):
//! `other_software_identity` (every span names another tag id), `version_below_range`
//! (below every span, unless a downgrade right covers it), `version_above_range` (above every
//! span, unless an upgrade right covers it), `version_between_ranges` (in a gap between
//! spans, unless a downgrade or an upgrade right covers it: downgrade covers everything below
//! the highest upper bound, upgrade everything above the lowest lower bound),
//! `version_beyond_downgrade_depth` (older than a span, with a downgrade right whose depth
//! does not reach it, and no upgrade right covering a gap; see *Downgrade depth* below),
//! `wrong_organisation` (the consumer's org unit is not the entitlement's or below it; a
//! consumer without org fails an org-scoped entitlement). Then, if the entitlement's rights
//! exempt the consumer's environment (`secondary_use` exempts disaster recovery and backup;
//! `exempt_environments` lists others), the consumer is **exempt**: covered without consuming
//! units, by the first exempting entitlement in priority order. Pins bind last: a consumer
//! pinned to an entitlement that passed the checks may use only its pinned entitlements;
//! the others are rejected `pinned_elsewhere`.
//!
//! An aggregated consumer (host, cluster…) takes the environment of its contributing devices
//! when they agree (else production) and the deepest organisation unit they all lie within.
//!
//! ## Downgrade depth
//!
//! A downgrade right reaches every older version unless it has a depth
//! ([`Rights::downgrade_depth`](itam_core::estate::Rights::downgrade_depth), JSON
//! `"rights": {"downgrade": true, "downgrade_depth": …}`; see
//! [`DowngradeDepth`](itam_core::estate::DowngradeDepth)). "Version 10 and two previous
//! versions" is `{"previous_majors": 2}` over the scope `[10,11)`; "2019, down to 2013" is
//! `{"down_to": "2013"}` over `=2019`:
//!
//! - `previous_majors` N: a version older than a span is covered when its major version
//!   (the first numeric component, [`VersionScheme::major`](itam_core::VersionScheme::major))
//!   is at most N below the major of the span's lower bound — 2 from `10` covers `9.2`,
//!   `8.1`, `8`, not `7.9`. A version without a major version is not reached. Counting
//!   majors suits products numbered by majors; for calendar versions (2012, 2016, 2019)
//!   name the oldest version instead.
//! - `down_to` V: a version older than a span is covered when it is V or newer, by the
//!   span's scheme (inclusive: `down_to` `2013` covers `2013` and `2016`, not `2012.9`).
//!
//! Over a version set, the depth counts from the lower bound of each span the version is
//! older than (the version may lie in a gap); the span with the lowest lower bound among
//! those that reach it is named. A version in a gap beyond the depth is still covered by an
//! upgrade right from a span below it. A depth only ever narrows the unlimited right, so a
//! pair eligible with a depth is eligible without it (`tests/downgrade_depth.rs` checks it
//! on random sets; Optimal never covers more units with the depth). Leaving the depth out
//! (or `"unlimited"`) is the classic right, and every estate written before depths existed
//! reads and reconciles as it did.
//!
//! Every decision a right with a depth decided carries a `detail` (JSON `"detail"`, text
//! `detail="…"`): which right covered the older version, from which span —
//! `downgrade right: 2 previous major versions of 10 covers 8.1`, `downgrade right: down to
//! 2013 from 2019 covers 2016` — or how far it reaches when it does not: `downgrade right: 2
//! previous major versions of 10 does not reach 7.5` (reason
//! `version_beyond_downgrade_depth`). The detail stays on the pair's later decisions that
//! rest on the version being covered (`consumed`, `capacity_exhausted`, `demand_met`,
//! `exempt`) and is left out when another check decided (`expired`, `pinned_elsewhere`…).
//! Versions inside the set, rights without a depth and upgrade rights give no detail. From
//! an Ent, the lower bound of the `downgrade` right's `ValidVersion` is projected as
//! `down_to` (`itam_ent::project` documents how, and what it notes).
//!
//! # Priority mode
//!
//! The order commercial tools document (Flexera's consumption order, Ercole's sort):
//!
//! 1. Candidates are ordered by manual `priority` (lower first, then entitlements without
//!    one), then **narrowest scope** (tag ids on every span 32, a lower bound on every span 8,
//!    an upper bound on every span 8, edition 4,
//!    organisation 2, product 1 — the higher the narrower), then **earliest expiry** (open
//!    end last), then **lowest unit cost** (none last), then **id**.
//!    With [`Policy::unlimited_first`](crate::Policy::unlimited_first), unlimited
//!    entitlements go before all others (Flexera's automatic priorities).
//! 2. Pinned consumers are served first, then the others; consumers in canonical order
//!    (product, then consumer name). Each takes units from its eligible entitlements in
//!    candidate order while units are left.
//! 3. **True-up** entitlements take the overflow: a consumer still short uses its first
//!    eligible true-up entitlement beyond its quantity (`true_up_overflow`), reported per
//!    entitlement as `true_up`.
//!
//! # Optimal mode
//!
//! Maximum coverage first, then minimum cost, exactly. Consumers with the same verdict for
//! every candidate form a **group**; products linked by a shared eligible entitlement form a
//! **component**, solved independently. Per component a flow network:
//!
//! ```text
//! source ──(group demand)──> group ──(demand, cost = unit cost × S)──> entitlement ──(quantity)──> sink
//!                                                    true-up only: entitlement ──(overflow, cost 1)──> sink
//! ```
//!
//! Costs are exact integers (unit cost × 10⁹); `S` = component demand + 1, so the overflow
//! tie-break (prefer bought units to true-up at equal cost) can never outweigh one cost unit.
//! Pinned groups only have arcs to their pinned entitlements. Successive shortest paths from
//! the zero flow — Dijkstra on reduced costs (Johnson potentials), then a blocking flow along
//! every shortest path found (primal-dual) — yields a maximum flow of minimum cost (the
//! private `flow` module, about two hundred lines with its tests). Each group's flow is
//! handed to its consumers in canonical order.
//!
//! *Why our own solver:* the graphs are small (groups × entitlements of one component), the
//! algorithm is short and textbook, exact integer costs are needed, and the workspace takes
//! no solver dependency (`good_lp`/`highs` would pull C++ or floating point for a problem
//! that is a plain flow). Property tests check it against an independent brute-force search.
//!
//! **Metric choices.** Lines of one product counted in different metrics (see *Which metric
//! a product is counted in*) are in one component. When the component's choice units allow
//! at most [`MAX_METRIC_COMBINATIONS`](crate::MAX_METRIC_COMBINATIONS) (4096) combinations,
//! each combination is solved by the flow and scored (units short, then cost, then true-up
//! units); the first best in a canonical order (units by product and first consumer name,
//! index 0 = every unit in the Priority metric) is kept. This is exhaustive search, not a
//! heuristic: `tests/metric_choice.rs` checks it against a brute force that enumerates
//! every metric per host and every integer allocation.
//!
//! *Cost* in both modes is Σ units consumed × unit cost of the entitlement (entitlements
//! without a cost count 0): the value of rights used.
//!
//! # Quantities and currencies
//!
//! An entitlement's `quantity` is an exact decimal. Every metric counts whole units, so only
//! its whole units (the quantity rounded down) can cover consumers; the capacities are
//! computed once, when the model is built. The fraction is not dropped: the entitlement line
//! keeps the exact `quantity` beside `entitled` (the whole units), and the canonical text
//! shows `entitled=2 quantity=2.5 unusable=0.5`; a product line sums both.
//!
//! Amounts in different currencies are never added. Each entitlement line carries the
//! `currency` of its unit cost (upper-cased). When the priced entitlements of the estate use
//! one currency (or none states one), the totals stay one `cost` and one `shortfall_cost`
//! (with that `currency`); when they use several — a priced entitlement without a currency
//! counting as a currency of its own — `totals.by_currency` lists cost and shortfall cost per
//! currency (and `cost`, `shortfall_cost` are 0), a product whose candidates are priced in
//! several currencies gives `shortfall_costs` per currency (its shortfall at the lowest
//! price in each: alternatives, not parts of one sum), and the gap is per currency too. The
//! text form writes them `EUR:200,USD:90`. The optimiser and the priority order compare unit
//! costs by their numbers (no exchange rates are known): with several currencies, cost is a
//! tie-break between entitlements of equal coverage, not a sum. [`reconcile_both`](crate::reconcile_both)
//! returns both positions and the [`Gap`](crate::Gap) (Optimal − Priority), per currency
//! and per metric (see *The promise*).
//!
//! # The promise, and what the gap compares
//!
//! Units of one metric are not units of another: the [`Gap`](crate::Gap) lists, per metric
//! occurring in either position (`by_metric`), the difference in demand, covered and
//! shortfall units, and says whether the two positions count some product in different
//! metrics (`metrics_differ`). `covered` and `shortfall` are the sums over the metrics,
//! units only when one metric occurs (the CLI's `--mode both` then prints one line, else
//! one line per metric). Optimal promises, against Priority and against any allocator
//! that counts the Priority rule's metrics (or any metric choice within the enumeration
//! limits) and respects the capacities:
//!
//! 1. **Summed shortfall.** The units short, summed over the metrics each position counts,
//!    are never more (`gap.shortfall ≤ 0`): that sum is the optimiser's first criterion,
//!    per component. Where it counts a product in another metric (a metric choice), the
//!    product's units move from one metric's figures to another's — the shape of issue 12's
//!    defect 10: 100 named users all covered, or the one device they share covered at a
//!    hundredth of the cost; nothing short either way, so the cheaper choice wins and the
//!    named-user line loses 100 covered units that the device line does not regain.
//! 2. **Per metric**, when `metrics_differ` is false (both count every product alike): in
//!    every metric Optimal covers at least as many units and is short of no more. The
//!    components of such an estate never mix metrics (an entitlement serves one metric),
//!    so the maximum flow is maximal in each metric separately.
//!
//! `tests/allocators.rs` checks both over generated estates with five metrics per product
//! against Priority and a third allocator; the `reconcile_estate` fuzz target asserts them.
//!
//! # Extension points: the engine's stages and the Allocator trait
//!
//! The engine runs in stages, one module each (`engine/`): *candidates* (which
//! entitlements may cover which product, in the priority order; the metrics it may be
//! counted in), *consumption* (facts → units per consumer through the metric rules, each
//! consumer a typed row with its product line, choice unit, group and name),
//! *eligibility* (per consumer class × candidate: eligible, exempt or the reason; equal
//! verdicts share a group), *allocation* and *position* (allocation → the explained
//! position). A bounds miss between stages is [`ReconcileError::Internal`](crate::ReconcileError::Internal)
//! naming the stage, never a silent 0.
//!
//! The consumption stage asks each metric's rule for its demands: one `MetricRule` per
//! metric, one module per vendor family in `metrics/` (`common`, `microsoft`, `oracle`,
//! `ibm`, `red_hat`, `resources`), each listing the parameters it reads; the rule also says
//! which consumers its demands stand for (devices, hosts, users, or an estate-wide pool,
//! which [`partition()`](crate::partition()) never splits) and whether it counts at the period's
//! peak. A metric that no code should have to add — a vendor's own unit, a bundle of
//! resources — is data: a user-defined metric (*Resources and user-defined metrics*).
//!
//! Allocation is the public [`Allocator`](crate::Allocator) trait: `allocate` reads a
//! [`Problem`](crate::Problem) — consumers (units, group, line, choice unit, name),
//! groups (eligible entitlements in the priority order, exempt, pinned), entitlements
//! (capacity, true-up, unit cost, metric) and lines (product, metric, alternative
//! number) — and returns an [`Allocation`](crate::Allocation): which consumers it counts
//! (start from [`Problem::priority_counted`](crate::Problem::priority_counted)) and grants
//! of units. [`allocation::Priority`](crate::allocation::Priority) and
//! [`allocation::Optimal`](crate::allocation::Optimal) are the two built-ins, named by
//! [`Mode`](crate::Mode) ([`Mode::allocator`](crate::Mode::allocator)).
//! [`compare`](crate::compare) runs any number of allocators over one prepared estate and
//! reports each against the first (its [`Gap`](crate::Gap), per metric);
//! [`Prepared::allocate_with`](crate::Prepared::allocate_with) runs one. Every allocation
//! given to `compare` or `allocate_with` is checked before the position is built (counted
//! metrics one per choice unit, eligibility, capacity, true-up; see
//! [`Allocation`](crate::Allocation)), and refused as `Internal` (stage `allocation`).
//! The position's pair decisions follow the explanation rules of the built-in the
//! allocator names in [`Allocator::explained_as`](crate::Allocator::explained_as).
//! `examples/src/allocators.rs` in the repository is a third allocator written outside the
//! crate (first fit by cheapest entitlement), compared with both built-ins by the
//! `allocator_compare` example.
//!
//! # The Position
//!
//! - `totals`: consumers, demand, exempt, covered, shortfall (= demand − covered − exempt),
//!   unlicensed consumers, true-up units, cost, shortfall cost, `currency` (when stated),
//!   `by_currency` (when several currencies occur).
//! - `products`: per product × metric: the same sums, `entitled` (Σ whole units of its active
//!   candidates in its metric), `quantity` (their exact sum, when a fraction makes it
//!   differ), `unlimited`, `shortfall_cost` (shortfall × the lowest unit cost among them) with
//!   its `currency`, or `shortfall_costs` per currency.
//! - `entitlements`: status (`active`, `expired`, `not_yet_valid`), entitled (whole units),
//!   `quantity` (exact, when it has a fraction), consumed, surplus (0 unless active; whole
//!   units), true-up, cost, `currency`, `expiring` (active and ending within
//!   `expiry_window_days`, default 90), end. Unused entitlements have `consumed` 0.
//! - `consumers`: name (`device:srv-1`, `host:esx-1`, `cluster:prod`, `core_factor:0.5`,
//!   `user:alice`, `org:emea/fr`, `estate`), kind, product, units, covered, exempt.
//! - `decisions`: for every consumer × candidate entitlement, in the candidate order:
//!
//! | decision | reason | meaning |
//! |---|---|---|
//! | `consumed` | `pinned` | used, the consumer being pinned to it |
//! | `consumed` | `priority_order` | used: first in the priority order with units left |
//! | `consumed` | `optimal` | used: chosen by the optimiser |
//! | `consumed` | `true_up_overflow` | used beyond its quantity (true-up) |
//! | `exempt` | `exempt_environment` | its rights exempt the consumer's environment |
//! | `rejected` | `unknown_metric`, `metric_differs`, `terms_differ`, `metric_not_applicable`, `fact_missing` | metric checks |
//! | `rejected` | `expired`, `not_yet_valid` | validity dates against as-of |
//! | `rejected` | `other_software_identity`, `version_below_range`, `version_above_range`, `version_between_ranges` | scope checks (tag id, version set and rights) |
//! | `rejected` | `version_beyond_downgrade_depth` | older than the set, beyond the downgrade right's depth (with a `detail`) |
//! | `rejected` | `wrong_organisation` | organisation scope |
//! | `rejected` | `pinned_elsewhere` | the consumer is pinned to other entitlements |
//! | `rejected` | `capacity_exhausted` | eligible, but no units left for this consumer |
//! | `not_assessed` | `demand_met` | eligible, not needed: the consumer was covered (or exempt) |
//!
//! A decision may carry a `detail`, a sentence the reason needs beside it (today: a
//! downgrade right with a depth, see *Downgrade depth*); it is left out of JSON when none.
//!
//! The canonical text ([`Position::to_text`](crate::Position::to_text)) has one line per
//! fact in a fixed order (totals, products by key, entitlements by id, consumers by product
//! and name, each followed by its decisions, a detail last as `detail="…"`); control
//! characters in names are shown
//! escaped as Rust writes them (`\n`, `\t`, `\u{1b}`; also line separators and
//! bidirectional overrides), so a name never adds a line. The scenario goldens under
//! `tests/data/scenarios/<name>/expected.txt` are in that form (`ITAM_BLESS=1 cargo test`
//! rewrites them).
//!
//! # The JSON forms
//!
//! **`estate.json`** is the serde form of [`Estate`](itam_core::estate::Estate); its
//! field-by-field reference is in [`itam_core::estate`].
//!
//! **`policy.json`** is the serde form of [`Policy`](crate::Policy):
//!
//! ```json
//! {"mode": "optimal", "as_of": "2026-01-01", "expiry_window_days": 90,
//!  "default_metric": "device", "explain": true, "unlimited_first": false,
//!  "params": {"installs_per_licence": 1, "install_rounding": "up", "core_min_per_processor": 0, "core_min_per_server": 0,
//!             "core_min_per_vm": 0, "core_pack": 1, "oracle_soft_partitioning": true,
//!             "oracle_aggregation": "host", "oracle_rounding": "aggregate",
//!             "oracle_nup_min_per_processor": 25, "oracle_se2_max_sockets": 2,
//!             "default_core_factor": "1", "core_factors": [{"contains": "xeon", "value": "0.5"}],
//!             "default_pvu_per_core": 120, "pvu_per_core": [{"contains": "power", "value": 70}],
//!             "windows_stacking": "host", "tiers": [{"up_to": 8, "factor": "1"}, {"factor": "0.5"}],
//!             "tier_basis": "cores", "peak_period_days": 90, "license_mobility": false}}
//! ```
//!
//! Only `as_of` is required; every `params` field has the default shown in
//! [`MetricParams`](crate::MetricParams).
//!
//! **`position.json`** is the serde form of [`Position`](crate::Position):
//!
//! ```json
//! {"mode": "priority", "as_of": "2026-01-01",
//!  "totals": {"consumers": 2, "demand": 2, "exempt": 0, "covered": 1, "shortfall": 1,
//!             "unlicensed_consumers": 1, "true_up": 0, "cost": "100", "shortfall_cost": "100"},
//!  "products": [{"publisher": "Acme", "product": "App", "edition": "", "metric": "device",
//!                "consumers": 2, "demand": 2, "exempt": 0, "covered": 1, "shortfall": 1,
//!                "unlicensed_consumers": 1, "entitled": 2, "unlimited": false, "shortfall_cost": "100"}],
//!  "entitlements": [{"id": "E-any", "metric": "device", "status": "active", "entitled": 1,
//!                    "unlimited": false, "consumed": 1, "surplus": 0, "true_up": 0, "cost": "100",
//!                    "expiring": false, "end": null}],
//!  "consumers": [{"consumer": "device:d1", "kind": "device", "product": "Acme/App",
//!                 "metric": "device", "units": 1, "covered": 1, "exempt": false}],
//!  "decisions": [{"consumer": "device:d1", "product": "Acme/App", "entitlement": "E-any", "decision": "consumed",
//!                 "reason": "priority_order", "units": 1}]}
//! ```
//!
//! A decision with a detail (see *Downgrade depth*):
//!
//! ```json
//! {"consumer": "device:srv-8", "product": "Acme/Server", "entitlement": "E-server-10",
//!  "decision": "consumed", "reason": "priority_order", "units": 1,
//!  "detail": "downgrade right: 2 previous major versions of 10 covers 8.1"}
//! ```
//!
//! Decimals (costs, factors) are strings, so no precision is lost.
//!
//! # Partitioning
//!
//! [`partition()`](crate::partition()) splits an estate along two dimensions:
//!
//! 1. **Product family**: the connected components of products linked by shared candidate
//!    entitlements (a publisher-wide agreement links all the publisher's products).
//! 2. **Organisation scope**, inside a component whose candidate entitlements are *all*
//!    scoped to an organisation and count one metric under the same terms, not one whose
//!    consumers pool the estate (Oracle Processor or NUP, whose aggregation may span it;
//!    `capacity`, `transaction`, `enterprise` and user-defined metrics, which count org
//!    units or the estate), nor IBM sub-capacity when the estate has capacity samples
//!    (its peak day is one for the whole product): an entitlement scoped to `emea/fr` only admits
//!    consumers within `emea`, so the component's installations split by top-level unit.
//!    Units are linked where one consumer may span them — a host and its VMs and a
//!    cluster's hosts for host metrics, a user and its devices for named users — so no
//!    consumer is cut. An unrestricted entitlement links every unit: the component stays
//!    whole. Each piece holds every entitlement of its component; those of other units
//!    reject its consumers `wrong_organisation`, exactly as in the single run.
//!
//! The pieces are packed into *n* estates (each with the whole device and user
//! inventory and every capacity sample; a measurement goes with its product's part), and [`Position::merge`](crate::Position::merge) reassembles the positions,
//! adding the counts of a product line or entitlement that several parts hold;
//! `tests/generate_partition.rs` shows the merged text equals the single run in both modes,
//! on generated estates with and without organisation-scoped entitlements.
//!
//! # Synthetic estates
//!
//! With the cargo feature `generate`, `itam_reconcile::generate` builds estates from a seed
//! and parameters (devices, share of servers, VMs per host, hosts per cluster, products,
//! versions, installations per device, users, organisation units, entitlements, share of
//! publisher-wide scopes, spread of end dates) with its own SplitMix64 generator: the same
//! parameters give the same estate and the same `estate.json` bytes. Named sizes: S (10³
//! devices, 5·10⁴ installations, 500 entitlements), M (10⁴, 5·10⁵, 5·10³), L (10⁵, 5·10⁶,
//! 5·10⁴) and XL (10⁶ devices, 10⁷ installations, 10⁵ entitlements). Products are counted
//! mostly per device, installation or named user, with every processor metric represented
//! on servers.
//!
//! # Limits
//!
//! - Metric choices (Optimal mode) are exact up to
//!   [`MAX_METRIC_COMBINATIONS`](crate::MAX_METRIC_COMBINATIONS) = 4096 combinations per
//!   component. A product whose own installations span more units than that allows (13
//!   hosts with two metrics, 8 with three) is not offered alternatives at all, and a
//!   component whose products together exceed it keeps every product in its Priority
//!   metric — the documented fallback, never worse than Priority. So does a component
//!   where combinations × consumer groups exceed 2²⁰ (each combination is one flow over
//!   the component: a product linked by shared entitlements to thousands of groups is not
//!   solved thousands of times). Priority mode never chooses: one metric per product.
//! - The choice is per aggregation unit, not per consumer inside it: a cluster is licensed
//!   in one metric as a whole. Standard vs Enterprise across *editions* (different products
//!   in the inventory) is not a choice: each installed edition is its own product.
//! - SQL Server Enterprise's host-vs-VM choice *within one entitlement* is still made in the
//!   consumption layer (min of the layers), where it is exact because both layers use the
//!   same rights.
//! - Hard partitioning, SAP and VMware metrics, Oracle's authorised-cloud rule for the
//!   Processor metric, and IBM's peak-over-period measurement are not modelled.
