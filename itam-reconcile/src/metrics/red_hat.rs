//! Red Hat's `red_hat_socket_pair`: a subscription covers a pair of sockets of a physical
//! server, or two VMs. Reads no parameter.

use super::{Cx, Demand, MetricRule, Reach, Tables, Use};

/// `red_hat_socket_pair`: per host, max(1, ceil(sockets / 2)) when installed on the host,
/// plus ceil(VMs / 2).
pub(super) struct SocketPair;

impl MetricRule for SocketPair {
    fn reach(&self) -> Reach {
        Reach::Host
    }

    fn demands(&self, cx: &Cx<'_, '_>, us: &[Use], _: &mut Tables) -> Vec<Demand> {
        cx.hosts(us, false, false)
            .into_iter()
            .map(|(h, c)| {
                let physical = if c.iter().any(|u| u.device == h) {
                    cx.dev(h).1.div_ceil(2).max(1)
                } else {
                    0
                };
                let vms = c.iter().filter(|u| cx.is_vm(u.device)).count() as u64;
                cx.host(h, &c, physical + vms.div_ceil(2))
            })
            .collect()
    }
}
