//! The host after a picture's table, built once and shared: by every option
//! set a question is asked under ([`crate::ask_in`]) and by the check of
//! what the rebuild could not keep ([`crate::rebuild_mismatches_in`]). On
//! 30,000 pasted connections one build is most of an answer, and the page
//! asked for four (two assumptions, each for the question and the check).

use std::cell::RefCell;
use std::net::IpAddr;

use bindlab_engine::host::{run_steps, Host};
use bindlab_engine::parse;

use crate::{mismatches_of, table_part, Mismatch, MismatchKind, Picture};

/// The picture's table, built on demand: one part per assumption about
/// the unknown options and per address a question adds to the host.
pub struct Tables<'a, 'p> {
    p: &'a Picture<'p>,
    asker: &'a str,
    built: RefCell<Vec<Part>>,
}

/// One build of the table part.
struct Part {
    unknowns_set: bool,
    /// The address the question made the host's (`None`: none it did not
    /// have; the text is then the check's own).
    extra: Option<IpAddr>,
    /// `None`: the text did not parse (not expected of generated text).
    host: Option<Host>,
    wrong: Vec<Mismatch>,
}

impl<'a, 'p> Tables<'a, 'p> {
    /// Nothing is built until asked for; a user the table does not give is
    /// `asker`.
    pub fn new(p: &'a Picture<'p>, asker: &'a str) -> Self {
        Tables {
            p,
            asker,
            built: RefCell::default(),
        }
    }

    pub(crate) fn picture(&self) -> &'a Picture<'p> {
        self.p
    }

    /// A copy of the host after the table, the question's address `ip`
    /// made one of its own where [`crate::scenario`] would.
    pub(crate) fn host(&self, unknowns_set: bool, ip: Option<IpAddr>) -> Option<Host> {
        self.with_part(unknowns_set, self.extra(ip), |part| part.host.clone())
    }

    /// The steps of the table part that did not come out as the table
    /// shows them (the check's text has no question's address).
    pub(crate) fn wrong(&self, unknowns_set: bool) -> Vec<Mismatch> {
        self.with_part(unknowns_set, None, |part| part.wrong.clone())
    }

    /// The address `ip` adds to the host's in [`table_part`]'s `iface`
    /// line, if any: keyed by it, a wildcard question and the check share
    /// one build, their texts being the same.
    fn extra(&self, ip: Option<IpAddr>) -> Option<IpAddr> {
        let p = self.p;
        let ip = ip.filter(|ip| p.locals.as_ref().is_none_or(|l| l.contains(ip)))?;
        let ip = bindlab_engine::addr::unmap(ip);
        let listed = crate::is_iface(ip)
            && !p
                .sockets
                .iter()
                .any(|(_, s)| bindlab_engine::addr::unmap(s.local.ip()) == ip);
        listed.then_some(ip)
    }

    fn with_part<T>(
        &self,
        unknowns_set: bool,
        extra: Option<IpAddr>,
        f: impl FnOnce(&Part) -> T,
    ) -> T {
        let mut built = self.built.borrow_mut();
        let at = match built
            .iter()
            .position(|b| (b.unknowns_set, b.extra) == (unknowns_set, extra))
        {
            Some(i) => i,
            None => {
                let (text, _) = table_part(self.p, self.asker, unknowns_set, extra);
                let (host, wrong) = match parse(&text) {
                    Ok(s) => {
                        let (host, reports) = run_steps(&s, self.p.os);
                        let wrong = mismatches_of(&s, &reports, u32::MAX);
                        (Some(host), wrong)
                    }
                    Err(_) => (None, vec![Mismatch::unparsed()]),
                };
                built.push(Part {
                    unknowns_set,
                    extra,
                    host,
                    wrong,
                });
                built.len() - 1
            }
        };
        f(&built[at])
    }
}

impl Mismatch {
    /// The whole text did not parse.
    pub(crate) fn unparsed() -> Mismatch {
        Mismatch {
            line: 0,
            step: String::new(),
            socket: None,
            result: String::new(),
            kind: MismatchKind::Unparsed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paste::parse_table;
    use crate::{ask, ask_in, picture_of, rebuild_mismatches, rebuild_mismatches_in, Question};
    use bindlab_engine::Os;

    /// The key a question's build is filed under names exactly the text it
    /// was built from: no added address when the table part's text is the
    /// check's own, else the address its `iface` line gains. So a question
    /// and the check share a build only when their texts are one.
    #[test]
    fn a_build_is_shared_only_by_questions_of_the_same_text() {
        for (table, port, udp) in [
            (include_str!("testdata/ss-tanpe.txt"), 8080u16, false),
            (include_str!("testdata/ss-tanp-v6only.txt"), 8080, false),
            (include_str!("testdata/ss-uanpe.txt"), 5000, true),
        ] {
            let pasted = parse_table(table).unwrap();
            for locals in [None, Some(vec!["192.0.2.7".parse().unwrap()])] {
                let pic = picture_of(&pasted.sockets, Os::Linux, port, locals.clone(), udp);
                let tables = Tables::new(&pic, "me");
                let mut ips: Vec<IpAddr> = pic.sockets.iter().map(|(_, s)| s.local.ip()).collect();
                ips.extend(
                    [
                        "0.0.0.0",
                        "::",
                        "127.0.0.1",
                        "127.0.0.2",
                        "::1",
                        "192.0.2.7",
                        "10.9.9.9",
                        "::ffff:10.9.9.9",
                        "2001:db8::5",
                        "224.0.0.251",
                        "255.255.255.255",
                        "::ffff:0.0.0.0",
                    ]
                    .map(|a| a.parse::<IpAddr>().unwrap()),
                );
                for set in [false, true] {
                    let check = table_part(&pic, "me", set, None).0;
                    for &ip in &ips {
                        let asked = table_part(&pic, "me", set, Some(ip)).0;
                        match tables.extra(Some(ip)) {
                            None => assert_eq!(asked, check, "{ip} {locals:?}"),
                            Some(e) => {
                                assert_ne!(asked, check, "{ip} {locals:?}");
                                assert_eq!(asked, table_part(&pic, "me", set, Some(e)).0);
                            }
                        }
                    }
                }
            }
        }
    }

    /// Answers and the check from shared builds, in either order, are what
    /// each computes on its own.
    #[test]
    fn shared_builds_answer_as_fresh_ones() {
        // A local connection (FreeBSD keeps no TIME_WAIT of it) and a
        // listener beside it whose options are unknown: the check finds
        // something under some OS and assumption.
        const TABLE: &str = "USER COMMAND PID FD PROTO LOCAL ADDRESS FOREIGN ADDRESS
www nginx 1234 6 tcp4 *:8080 *:*
alice python3.11 999 3 tcp4 127.0.0.1:8080 127.0.0.1:50000
? ? ? ? tcp4 127.0.0.1:8080 127.0.0.1:50001
";
        let pasted = parse_table(TABLE).unwrap();
        let mut found = 0;
        for os in Os::ALL {
            let pic = picture_of(&pasted.sockets, os, 8080, None, false);
            let wrong = rebuild_mismatches(&pic, "me");
            found += wrong.len();
            for bind in [
                "0.0.0.0:8080",
                "127.0.0.1:8080",
                "10.9.9.9:8080",
                "[::]:8080",
            ] {
                let q = Question {
                    bind: bind.parse().unwrap(),
                    user: "me".into(),
                };
                let answers = ask(&pic, "me", &q);
                let tables = Tables::new(&pic, "me");
                assert_eq!(ask_in(&tables, &q), answers, "{os:?} {bind}");
                assert_eq!(rebuild_mismatches_in(&tables), wrong, "{os:?} {bind}");
                let tables = Tables::new(&pic, "me");
                assert_eq!(rebuild_mismatches_in(&tables), wrong, "{os:?} {bind}");
                assert_eq!(ask_in(&tables, &q), answers, "{os:?} {bind}");
            }
        }
        assert!(found > 0, "the check found nothing to compare");
    }
}
