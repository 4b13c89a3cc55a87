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
    /// Steps between checkpoints: 32, or for a long scenario a 32nd of its
    /// steps, so it holds at most ~32 hosts. Every 32 steps, 9,000 steps of
    /// binds kept 281 copies of a host of up to 3,000 sockets (a quarter of
    /// a second of copying on load); replaying a few hundred steps from a
    /// checkpoint takes well under a millisecond.
    fn every(steps: usize) -> usize {
        (steps / 32).max(32)
    }

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
        let every = Self::every(scenario.steps.len());
        for n in at..step.min(scenario.steps.len()) {
            h.apply(&scenario.steps[n]);
            if (n + 1) % every == 0 && !self.checkpoints.iter().any(|(c, _)| *c == n + 1) {
                self.checkpoints.push((n + 1, h.clone()));
                bindlab_engine::sort::by_key(&mut self.checkpoints, |(c, _)| *c as u64);
            }
        }
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A host as the test compares it: its sockets, in words.
    fn seen(h: &Host) -> String {
        format!("{:?}", h.sockets().collect::<Vec<_>>())
    }

    #[test]
    fn a_long_scenario_keeps_few_checkpoints_and_every_step_is_the_hosts_own() {
        let mut text = String::from("os linux\n");
        for i in 0..1500 {
            text += &format!("socket S{i} tcp\nset S{i} SO_REUSEPORT\nbind S{i} 0.0.0.0:443\n");
        }
        let scenario = bindlab_engine::parse(&text).expect("scenario");
        let derived = Rc::new(Derived::new(&text, &[Os::Linux]));
        let mut cache = HostCache::default();
        // Forwards to the end, then back, as the stepper goes.
        let at = |step: usize| {
            let mut h = Host::new(Os::Linux, &scenario.ifaces, scenario.seed);
            for st in &scenario.steps[..step] {
                h.apply(st);
            }
            h
        };
        for step in [4500, 4499, 2250, 1, 0, 4500, 140] {
            assert_eq!(
                seen(&cache.host(&derived, &scenario, Os::Linux, step)),
                seen(&at(step)),
                "step {step}"
            );
        }
        assert!(
            cache.checkpoints.len() <= 33,
            "{} checkpoints",
            cache.checkpoints.len()
        );
    }
}
