//! The cheat sheet: situation × options × OS, every cell computed by the
//! engine from a real scenario (so each cell can be opened, stepped and
//! checked), never typed by hand. The course's last chapter shows it; the
//! CLI prints it (`bindlab cheatsheet`).

use crate::errno::Outcome;
use crate::messages::CheatsheetMsg;
use crate::os::Os;
use crate::scenario::SockOpt;
use crate::{parse, run, Scenario};

/// Which reuse options the two sockets set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Options {
    None,
    ReuseAddrBoth,
    ReuseAddrNewOnly,
    ReusePortBoth,
    ExclusiveFirst,
}

impl Options {
    pub const ALL: [Options; 5] = [
        Options::None,
        Options::ReuseAddrBoth,
        Options::ReuseAddrNewOnly,
        Options::ReusePortBoth,
        Options::ExclusiveFirst,
    ];

    /// The label's message (`options.*` in `src/cheatsheet.txt`), for a
    /// translated label.
    pub const fn msg(self) -> CheatsheetMsg {
        match self {
            Options::None => CheatsheetMsg::OptionsNone,
            Options::ReuseAddrBoth => CheatsheetMsg::OptionsReuseAddrBoth,
            Options::ReuseAddrNewOnly => CheatsheetMsg::OptionsReuseAddrNewOnly,
            Options::ReusePortBoth => CheatsheetMsg::OptionsReusePortBoth,
            Options::ExclusiveFirst => CheatsheetMsg::OptionsExclusiveFirst,
        }
    }

    /// The English label.
    pub const fn label(self) -> &'static str {
        self.msg().english()
    }

    /// (options of the first socket, options of the second)
    fn sets(self) -> (&'static [SockOpt], &'static [SockOpt]) {
        match self {
            Options::None => (&[], &[]),
            Options::ReuseAddrBoth => (&[SockOpt::SoReuseAddr], &[SockOpt::SoReuseAddr]),
            Options::ReuseAddrNewOnly => (&[], &[SockOpt::SoReuseAddr]),
            Options::ReusePortBoth => (&[SockOpt::SoReusePort], &[SockOpt::SoReusePort]),
            Options::ExclusiveFirst => (&[SockOpt::SoExclusiveAddrUse], &[]),
        }
    }
}

/// Where the second socket tries to bind, and what the first is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Situation {
    SameAddressBound,
    SameAddressListening,
    SpecificUnderListeningWildcard,
    WildcardOverListeningSpecific,
    RestartOverTimeWait,
    /// UDP: two receivers on one address, then unicast datagrams to it.
    UdpSameAddress,
    /// UDP: two receivers bound to one group's address (how a receiver
    /// filters by group; the BSDs' multicast exception), then datagrams.
    UdpMulticastReceivers,
}

impl Situation {
    pub const ALL: [Situation; 7] = [
        Situation::SameAddressBound,
        Situation::SameAddressListening,
        Situation::SpecificUnderListeningWildcard,
        Situation::WildcardOverListeningSpecific,
        Situation::RestartOverTimeWait,
        Situation::UdpSameAddress,
        Situation::UdpMulticastReceivers,
    ];

    /// A UDP row: its cell says who receives the datagrams once both bound.
    pub fn is_udp(self) -> bool {
        matches!(
            self,
            Situation::UdpSameAddress | Situation::UdpMulticastReceivers
        )
    }

    /// What the row's cells answer (`question.*`), for a table's caption.
    pub fn question_msg(self) -> CheatsheetMsg {
        if self.is_udp() {
            CheatsheetMsg::QuestionUdp
        } else {
            CheatsheetMsg::QuestionBind
        }
    }

    /// [`Situation::question_msg`] in English.
    pub fn question(self) -> &'static str {
        self.question_msg().english()
    }

    /// The label's message (`situation.*` in `src/cheatsheet.txt`).
    pub const fn msg(self) -> CheatsheetMsg {
        match self {
            Situation::SameAddressBound => CheatsheetMsg::SituationSameAddressBound,
            Situation::SameAddressListening => CheatsheetMsg::SituationSameAddressListening,
            Situation::SpecificUnderListeningWildcard => {
                CheatsheetMsg::SituationSpecificUnderListeningWildcard
            }
            Situation::WildcardOverListeningSpecific => {
                CheatsheetMsg::SituationWildcardOverListeningSpecific
            }
            Situation::RestartOverTimeWait => CheatsheetMsg::SituationRestartOverTimeWait,
            Situation::UdpSameAddress => CheatsheetMsg::SituationUdpSameAddress,
            Situation::UdpMulticastReceivers => CheatsheetMsg::SituationUdpMulticastReceivers,
        }
    }

    /// The English label (also the row's scenario's title).
    pub const fn label(self) -> &'static str {
        self.msg().english()
    }
}

/// One cell: the outcome of the second bind on one OS, or, in a UDP row
/// where both bound, of the datagrams that follow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    pub os: Os,
    /// `None` where an option does not exist on the OS.
    pub result: Option<Outcome>,
    pub rule: Option<crate::rules::RuleId>,
    pub why: Option<String>,
    /// The deciding step's [`StepReport::summary`](crate::StepReport::summary)
    /// ("EADDRINUSE", "ok → second×4"): what the cell shows. Empty where the
    /// option is missing.
    pub summary: String,
    /// The deciding step's report (`None` where the option is missing):
    /// a page says its summary's words ("dropped", "or") in its language.
    pub step: Option<crate::StepReport>,
}

impl Cell {
    /// The result as the cell's OS names it (`None`: the option is missing).
    pub fn result_name(&self) -> Option<&'static str> {
        self.result.map(|r| r.name(self.os))
    }
}

#[derive(Clone, Debug)]
pub struct Row {
    pub situation: Situation,
    pub options: Options,
    /// The scenario behind the row (its last step is the bind that decides).
    pub scenario: Scenario,
    pub cells: Vec<Cell>,
}

/// The scenario text for one row.
pub fn scenario_text(situation: Situation, options: Options) -> String {
    let (first_opts, second_opts) = options.sets();
    let set = |name: &str, opts: &[SockOpt]| -> String {
        opts.iter()
            .map(|o| format!("set {name} {}\n", o.name()))
            .collect()
    };
    // The text names an OS that has the row's options (cells run on every OS).
    let os = if options == Options::ExclusiveFirst {
        "windows"
    } else {
        "linux"
    };
    let mut t = format!(
        "title Cheat sheet: {}, {}\nos {os}\niface 192.168.0.1\n\n",
        situation.label(),
        options.label()
    );
    let (first_addr, second_addr) = match situation {
        Situation::SameAddressBound
        | Situation::SameAddressListening
        | Situation::RestartOverTimeWait
        | Situation::UdpSameAddress => ("192.168.0.1", "192.168.0.1"),
        Situation::SpecificUnderListeningWildcard => ("0.0.0.0", "192.168.0.1"),
        Situation::WildcardOverListeningSpecific => ("192.168.0.1", "0.0.0.0"),
        Situation::UdpMulticastReceivers => ("239.1.2.3", "239.1.2.3"),
    };
    let proto = if situation.is_udp() { "udp" } else { "tcp" };
    t.push_str(&format!(
        "socket first {proto}\n{}bind first {first_addr}:8080\n",
        set("first", first_opts)
    ));
    match situation {
        Situation::UdpSameAddress => {}
        Situation::UdpMulticastReceivers => t.push_str("join first 239.1.2.3\n"),
        Situation::SameAddressBound => {}
        Situation::RestartOverTimeWait => {
            t.push_str("listen first\nclient 192.168.0.1:8080\naccept first conn\nclose conn      # the server closes first: TIME_WAIT\nclose first\n");
        }
        _ => t.push_str("listen first\n"),
    }
    t.push_str(&format!(
        "socket second {proto}\n{}bind second {second_addr}:8080\n",
        set("second", second_opts)
    ));
    match situation {
        Situation::UdpSameAddress => t.push_str("datagram 192.168.0.1:8080 x4\n"),
        Situation::UdpMulticastReceivers => {
            t.push_str("join second 239.1.2.3\ndatagram 239.1.2.3:8080 x2\n")
        }
        _ => {}
    }
    t
}

/// The whole matrix, computed now.
pub fn matrix() -> Vec<Row> {
    let mut rows = Vec::new();
    for situation in Situation::ALL {
        for options in Options::ALL {
            let text = scenario_text(situation, options);
            let Ok(scenario) = parse(&text) else { continue };
            let (a, b) = options.sets();
            let cells = Os::ALL
                .iter()
                .map(|&os| {
                    if !a.iter().chain(b).all(|o| os.rules().supports(*o)) {
                        return Cell {
                            os,
                            result: None,
                            rule: None,
                            why: None,
                            summary: String::new(),
                            step: None,
                        };
                    }
                    let report = run(&scenario, os);
                    // The second bind decides, unless it succeeded and
                    // datagrams follow: then they do.
                    let second_bind = report
                        .steps
                        .iter()
                        .rfind(|st| st.op == "bind" && st.socket.as_deref() == Some("second"));
                    let datagrams = report.steps.iter().rfind(|st| st.op == "datagram");
                    let decides = match (second_bind, datagrams) {
                        (Some(b), Some(d)) if b.is_ok() => Some(d),
                        (Some(b), _) => Some(b),
                        (None, d) => d,
                    };
                    match decides {
                        Some(st) => Cell {
                            os,
                            result: Some(st.result),
                            rule: st.rule,
                            why: st.why.as_deref().map(str::to_string),
                            summary: st.summary(),
                            step: Some(st.clone()),
                        },
                        None => Cell {
                            os,
                            result: None,
                            rule: None,
                            why: None,
                            summary: String::new(),
                            step: None,
                        },
                    }
                })
                .collect();
            rows.push(Row {
                situation,
                options,
                scenario,
                cells,
            });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(s: Situation, o: Options, os: Os) -> Option<String> {
        matrix()
            .into_iter()
            .find(|r| r.situation == s && r.options == o)
            .unwrap()
            .cells
            .into_iter()
            .find(|c| c.os == os)
            .unwrap()
            .result_name()
            .map(str::to_string)
    }

    #[test]
    fn every_row_parses_and_runs_on_every_os() {
        let m = matrix();
        assert_eq!(m.len(), Situation::ALL.len() * Options::ALL.len());
        for r in &m {
            assert_eq!(r.cells.len(), 4);
            for c in r
                .cells
                .iter()
                .filter(|c| c.result.is_some_and(|x| !x.is_ok()))
            {
                assert!(
                    c.rule.is_some(),
                    "{:?} {:?} {:?}: a failure without a rule",
                    r.situation,
                    r.options,
                    c.os
                );
            }
        }
    }

    #[test]
    fn the_known_differences_show() {
        use Options::*;
        use Situation::*;
        // The Linux listening exception vs the BSDs.
        assert_eq!(
            cell(SpecificUnderListeningWildcard, ReuseAddrBoth, Os::Linux).as_deref(),
            Some("EADDRINUSE")
        );
        assert_eq!(
            cell(SpecificUnderListeningWildcard, ReuseAddrBoth, Os::FreeBsd).as_deref(),
            Some("ok")
        );
        // Only the new socket's flag counts on BSD; Linux needs both.
        assert_eq!(
            cell(SpecificUnderListeningWildcard, ReuseAddrNewOnly, Os::MacOs).as_deref(),
            Some("ok")
        );
        assert_eq!(
            cell(SameAddressBound, ReuseAddrNewOnly, Os::Linux).as_deref(),
            Some("EADDRINUSE")
        );
        // Restart over TIME_WAIT: SO_REUSEADDR on the new socket is enough on BSD, not on Linux.
        assert_eq!(
            cell(RestartOverTimeWait, ReuseAddrNewOnly, Os::FreeBsd).as_deref(),
            Some("ok")
        );
        assert_eq!(
            cell(RestartOverTimeWait, ReuseAddrNewOnly, Os::Linux).as_deref(),
            Some("EADDRINUSE")
        );
        assert_eq!(
            cell(RestartOverTimeWait, ReuseAddrBoth, Os::Linux).as_deref(),
            Some("ok")
        );
        // UDP: a duplicate bind on Linux; the socket bound last gets every
        // unicast datagram (measured: 10/10 to the second).
        let summary = |s: Situation, o: Options, os: Os| {
            matrix()
                .into_iter()
                .find(|r| r.situation == s && r.options == o)
                .unwrap()
                .cells
                .into_iter()
                .find(|c| c.os == os)
                .unwrap()
                .summary
        };
        assert_eq!(
            summary(UdpSameAddress, ReuseAddrBoth, Os::Linux),
            "ok → second×4"
        );
        assert_eq!(
            summary(UdpSameAddress, ReuseAddrNewOnly, Os::Linux),
            "EADDRINUSE"
        );
        // The BSDs never let SO_REUSEADDR duplicate a unicast address.
        assert_eq!(
            summary(UdpSameAddress, ReuseAddrBoth, Os::FreeBsd),
            "EADDRINUSE"
        );
        // Multicast: a copy for each receiver.
        assert_eq!(
            summary(UdpMulticastReceivers, ReuseAddrBoth, Os::Linux),
            "ok → first×2 second×2"
        );
        // Options an OS lacks are not guessed.
        assert!(cell(SameAddressBound, ReusePortBoth, Os::Windows).is_none());
        assert!(cell(SameAddressBound, ExclusiveFirst, Os::Linux).is_none());
        assert_eq!(
            cell(SameAddressListening, ExclusiveFirst, Os::Windows).as_deref(),
            Some("WSAEADDRINUSE")
        );
    }
}
