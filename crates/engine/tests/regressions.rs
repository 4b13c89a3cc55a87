//! Cases the fuzzers found, kept as plain tests so they run on every build
//! whatever the property tests' seed.

use bindlab_engine::host::Host;
use bindlab_engine::scenario::{EndpointSpec, PortSpec, Proto, Step, StepKind};
use bindlab_engine::Os;

fn run(os: Os, steps: Vec<StepKind>) -> (Host, Vec<String>) {
    let mut h = Host::new(os, &[], 1);
    let mut out = Vec::new();
    for k in steps {
        let r = h.apply(&Step::new(k));
        out.push(format!("{} {:?}", r.result_name(), r.why));
    }
    (h, out)
}

fn sock(name: &str) -> StepKind {
    StepKind::Socket {
        name: name.into(),
        proto: Proto::Tcp,
    }
}

fn ep(addr: &str, port: PortSpec) -> EndpointSpec {
    EndpointSpec {
        addr: addr.parse().expect("address"),
        port,
    }
}

/// Found at 200,000 cases on FreeBSD: an AF_INET socket (built without the
/// parser) connects to `::`, then to the v4-mapped address of a listener.
#[test]
fn mapped_connect_after_a_refused_one_keeps_five_tuples_unique() {
    for os in Os::ALL {
        let (h, out) = run(
            os,
            vec![
                sock("B"),
                sock("C"),
                StepKind::Listen { name: "B".into() },
                StepKind::Connect {
                    name: "C".into(),
                    ep: ep("::", PortSpec::Num(7000)),
                },
                StepKind::Connect {
                    name: "C".into(),
                    ep: ep("::ffff:127.0.0.1", PortSpec::Of("B".into())),
                },
            ],
        );
        assert_eq!(h.five_tuples_unique(), Ok(()), "{os}: {out:#?}");
    }
}
