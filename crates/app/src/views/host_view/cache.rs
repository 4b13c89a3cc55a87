//! Checkpointed hosts, so moving one step applies one step.

use std::rc::Rc;

use bindlab_engine::host::Host;
use bindlab_engine::scenario::Scenario;
use bindlab_engine::Os;

use crate::state::Derived;

/// Hosts at checkpoints of one scenario on one OS, so moving one step
/// applies one step (or replays a few from the nearest checkpoint) instead
/// of the whole scenario.
#[derive(Default)]
pub(crate) struct HostCache {
    pub(crate) key: Option<(*const Derived, Os)>,
    pub(crate) checkpoints: Vec<(usize, Host)>,
}

impl HostCache {
    const EVERY: usize = 32;

    pub(crate) fn host(
        &mut self,
        derived: &Rc<Derived>,
        scenario: &Scenario,
        os: Os,
        step: usize,
    ) -> Host {
        let key = (Rc::as_ptr(derived), os);
        if self.key != Some(key) {
            self.key = Some(key);
            self.checkpoints = vec![(0, Host::new(os, &scenario.ifaces, scenario.seed))];
        }
        let (at, base) = self
            .checkpoints
            .iter()
            .rev()
            .find(|(n, _)| *n <= step)
            .cloned()
            .unwrap_or_else(|| (0, Host::new(os, &scenario.ifaces, scenario.seed)));
        let mut h = base;
        for n in at..step.min(scenario.steps.len()) {
            h.apply(&scenario.steps[n]);
            if (n + 1) % Self::EVERY == 0 && !self.checkpoints.iter().any(|(c, _)| *c == n + 1) {
                self.checkpoints.push((n + 1, h.clone()));
                bindlab_engine::sort::by_key(&mut self.checkpoints, |(c, _)| *c as u64);
            }
        }
        h
    }
}
