//! The host after a picture's table, built once and shared: by every option
//! set a question is asked under ([`crate::ask_in`]), by who receives a
//! datagram now ([`crate::receivers_in`]) and by the check of what the
//! rebuild could not keep ([`crate::rebuild_mismatches_in`]). On
//! 30,000 pasted connections one build is most of an answer, and the page
//! asked for four (two assumptions, each for the question and the check).

use std::cell::RefCell;
use std::net::IpAddr;

use bindlab_engine::host::{run_steps, Host};
use bindlab_engine::parse;

use crate::{mismatches_of, table_part, Mismatch, Picture};

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
    /// The address the question added to the host's (`None`: none; the
    /// text is then the check's own).
    added: Option<IpAddr>,
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

    /// A copy of the host after the table, `added` made one of its
    /// addresses ([`crate::added_iface`] of the question's).
    pub(crate) fn host(&self, unknowns_set: bool, added: Option<IpAddr>) -> Option<Host> {
        self.with_part(unknowns_set, added, |part| part.host.clone())
    }

    /// The steps of the table part that did not come out as the table
    /// shows them (the check's text adds no address).
    pub(crate) fn wrong(&self, unknowns_set: bool) -> Vec<Mismatch> {
        self.with_part(unknowns_set, None, |part| part.wrong.clone())
    }

    fn with_part<T>(
        &self,
        unknowns_set: bool,
        added: Option<IpAddr>,
        f: impl FnOnce(&Part) -> T,
    ) -> T {
        let mut built = self.built.borrow_mut();
        let at = match built
            .iter()
            .position(|b| (b.unknowns_set, b.added) == (unknowns_set, added))
        {
            Some(i) => i,
            None => {
                let (text, _) = table_part(self.p, self.asker, unknowns_set, added);
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
                    added,
                    host,
                    wrong,
                });
                built.len() - 1
            }
        };
        f(&built[at])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paste::parse_table;
    use crate::{ask_in, mismatches, picture_of, Question};
    use bindlab_engine::Os;

    /// The text a question's build is made from is the head of the whole
    /// scenario asked about, whatever the address (v4-mapped, the table's
    /// own, new, not the host's, with the host's addresses known or not),
    /// and a question that adds no address shares the check's build.
    #[test]
    fn a_build_is_made_from_the_text_asked_about() {
        for (table, port, udp) in [
            (include_str!("testdata/ss-tanpe.txt"), 8080u16, false),
            (include_str!("testdata/ss-tanp-v6only.txt"), 8080, false),
            (include_str!("testdata/ss-uanpe.txt"), 5000, true),
        ] {
            let pasted = parse_table(table).unwrap();
            for locals in [
                None,
                Some(vec!["192.0.2.7".parse().unwrap()]),
                Some(vec!["::ffff:10.9.9.9".parse().unwrap()]),
            ] {
                let pic = picture_of(&pasted.sockets, Os::Linux, port, locals.clone(), udp);
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
                        let q = Question {
                            bind: std::net::SocketAddr::new(ip, port),
                            user: "me".into(),
                        };
                        let whole = crate::scenario(&pic, "me", set, Some((&q, &[])));
                        let (head, _) = whole.split_once("\n# the bind you asked about\n").unwrap();
                        let added = crate::added_iface(&pic, ip);
                        let built = table_part(&pic, "me", set, added).0;
                        assert_eq!(head, built, "{ip} {locals:?}");
                        if added.is_none() {
                            assert_eq!(built, check, "{ip} {locals:?}");
                        } else {
                            assert_ne!(built, check, "{ip} {locals:?}");
                        }
                    }
                }
            }
        }
    }

    /// The check from a build a question made first is the check of the
    /// table's own text, run whole (its definition before builds were
    /// shared).
    #[test]
    fn the_check_from_a_shared_build_is_the_whole_texts() {
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
                let tables = Tables::new(&pic, "me");
                ask_in(&tables, &q);
                for set in [false, true] {
                    let whole = mismatches(&crate::scenario(&pic, "me", set, None), os);
                    found += whole.len();
                    assert_eq!(tables.wrong(set), whole, "{os:?} {bind} {set}");
                }
            }
        }
        assert!(found > 0, "the check found nothing to compare");
    }
}
