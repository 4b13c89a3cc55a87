//! One socket's card in the diagram, and its line to an address band.

use yew::prelude::*;

use crate::i18n::{use_tr, Tr, T};
use crate::views::host_view::diagram::*;
use crate::views::host_view::sock_view::{Got, SockView};

#[derive(Properties, PartialEq)]
pub(crate) struct CardProps {
    pub(crate) view: SockView,
    pub(crate) addrs: Vec<std::net::IpAddr>,
    pub(crate) x: i32,
    pub(crate) y: i32,
    /// Draw only the line to the address band (else only the card).
    pub(crate) links: bool,
    /// How far right of the card's middle its line leaves: a card of a
    /// lower row moves its line aside, so it does not run into the line,
    /// dot or bar of the card above it.
    #[prop_or_default]
    pub(crate) wire_dx: i32,
    /// A lane beside the cards (one column: a phone): the line leaves the
    /// card's right side and runs up at this x, so it never passes behind
    /// a card above it.
    #[prop_or_default]
    pub(crate) lane: Option<i32>,
}

#[function_component(Card)]
pub(crate) fn card(p: &CardProps) -> Html {
    let tr = use_tr();
    let (v, x, y) = (&p.view, p.x, p.y);
    let band_y = |i: usize| TOP + i as i32 * BAND_H;
    let cx = p.lane.unwrap_or(x + CARD_W / 2 + p.wire_dx);
    // Where the line leaves the card: its top, or its right side for a lane.
    let (sx, sy) = match p.lane {
        Some(_) => (x + CARD_W, y + CARD_H / 2),
        None => (cx, y),
    };
    let wire =
        move |to_y: i32| html! { <polyline points={format!("{sx},{sy} {cx},{sy} {cx},{to_y}")} /> };
    let link = v.local.map(|l| {
        if bindlab_engine::addr::is_wildcard(l.ip) {
            // IPv4 for AF_INET and ::ffff:0.0.0.0, IPv6 for a v6-only `::`,
            // every band for dual stack.
            let covers = |a: &std::net::IpAddr| if v.v6_wildcard_dual { true } else if v.v6_wildcard_only { a.is_ipv6() } else { a.is_ipv4() };
            let hit: Vec<usize> = p.addrs.iter().enumerate().filter(|(_, a)| covers(a)).map(|(i, _)| i).collect();
            let (y1, y2) = (hit.first().map_or(TOP, |&i| band_y(i)), hit.last().map_or(TOP, |&i| band_y(i) + BAND_H - 6));
            // An address the wildcard does not have (Windows: an exclusive
            // socket's) is a gap in the bar.
            let gaps: Vec<i32> = p.addrs.iter().enumerate().filter(|(_, a)| v.except.contains(a)).map(|(i, _)| band_y(i)).collect();
            html! { <g class="bind wildcard">{ wire(y2) }<rect x={(cx - 3).to_string()} y={y1.to_string()} width="6" height={(y2 - y1).to_string()} rx="3" />
                { for gaps.iter().map(|&gy| html! { <rect class="except" x={(cx - 5).to_string()} y={(gy + 2).to_string()} width="10" height={(BAND_H - 10).to_string()} rx="2" /> }) }
            </g> }
        } else if let Some(i) = p.addrs.iter().position(|a| *a == bindlab_engine::addr::unmap(l.ip)) {
            let by = band_y(i) + (BAND_H - 6) / 2;
            html! { <g class="bind">{ wire(by) }<circle cx={cx.to_string()} cy={by.to_string()} r="4" /></g> }
        } else {
            html! {}
        }
    });
    if p.links {
        return html! { <g class={classes!("card-link", v.state_class)}>{ link.unwrap_or_default() }</g> };
    }
    // The options and the owner: squeezed to the card's width rather than
    // cut, where it can be read; past 32 characters cut, the whole in a
    // tooltip.
    let all_opts = format!(
        "{}{}",
        v.opts,
        if v.default_user {
            String::new()
        } else {
            format!(" · {}", v.user)
        }
    );
    let opts = short(&all_opts, 32);
    html! {
        <g class={classes!("card", v.state_class)}>
            <rect x={x.to_string()} y={y.to_string()} width={CARD_W.to_string()} height={CARD_H.to_string()} rx="8" class="card-bg" />
            <text x={(x + 10).to_string()} y={(y + 20).to_string()} class="name">{ format!("{} · {}", short(&v.label, 16), v.proto) }</text>
            if v.listening && v.queue + v.queue_undefined > 0 {
                <text x={(x + CARD_W - 10).to_string()} y={(y + 38).to_string()} class="small queue" text-anchor="end">{
                    match (v.queue, v.queue_undefined) {
                        (n, 0) => tr.f(T::ScenarioQueue, &[("n", &n.to_string())]),
                        (0, u) => tr.f(T::ScenarioMayQueue, &[("u", &u.to_string())]),
                        (n, u) => tr.f(T::ScenarioQueueMay, &[("n", &n.to_string()), ("u", &u.to_string())]),
                    }
                }</text>
            }
            <text x={(x + 10).to_string()} y={(y + 38).to_string()} class="state">{ state_line(&tr, v) }<title>{ v.state.clone() }</title></text>
            // No address line for a socket without one: its state line
            // already says "unbound" (it read "unbound", then "not bound").
            if let Some(local) = v.local {
                <text x={(x + 10).to_string()} y={(y + 55).to_string()} class="small" textLength={squeeze(&local.to_string(), CARD_W - 20)} lengthAdjust="spacingAndGlyphs">{ local.to_string() }</text>
            }
            <text x={(x + 10).to_string()} y={(y + 71).to_string()} class="small opts" textLength={squeeze(&opts, CARD_W - 20)} lengthAdjust="spacingAndGlyphs">{ opts.clone() }<title>{ all_opts }</title></text>
            if let Some(n) = v.arrived {
                // Incoming clients arrive from below the card.
                <g class="flow">{ arrow_up(x + 24, y + CARD_H + 3) }
                <text x={(x + 34).to_string()} y={(y + CARD_H + 22).to_string()} class="small">{ tr.f(if n == 1 { T::ScenarioArrivedOne } else { T::ScenarioArrivedOther }, &[("n", &n.to_string())]) }</text></g>
            }
            if let Some(got) = v.datagrams {
                // Datagrams arrive from below too; a candidate the OS may
                // pick (hash, undefined) gets a dotted arrow.
                <g class={classes!("flow", "dgram", matches!(got, Got::MayGet | Got::Hashed { n: 0 }).then_some("maybe"))}>
                    { arrow_up(x + 24, y + CARD_H + 3) }
                    <text x={(x + 34).to_string()} y={(y + CARD_H + 22).to_string()} class="small">{ got_text(&tr, got) }</text>
                </g>
            }
        </g>
    }
}

/// An arrow at `x` up to `to` from a small open circle (the network) in the
/// gap below the card. It stops short of the next row, so it never seems
/// to come from the card under it (on a phone, the next socket's).
/// The line and its head are drawn here, not as a `<marker>`, which needs
/// an id, and a chapter draws several diagrams in one document (the first
/// one's marker served them all, and a hidden first diagram took the heads
/// off the others in some browsers).
fn arrow_up(x: i32, to: i32) -> Html {
    let from = to + ROW_GAP - 18;
    let head = format!(
        "M{},{} L{x},{} L{},{} z",
        x - 8,
        to + 14,
        to - 2,
        x + 8,
        to + 14
    );
    html! {
        <>
            <line x1={x.to_string()} y1={from.to_string()} x2={x.to_string()} y2={(to + 8).to_string()} />
            <path d={head} class="arrowhead" />
            <circle class="source" cx={x.to_string()} cy={(from + 3).to_string()} r="3" />
        </>
    }
}

/// The card's second line: the state, and for UDP the groups it joined.
fn state_line(tr: &Tr, v: &SockView) -> String {
    match v.groups.as_slice() {
        // Cut to the card; the table twin below has it whole.
        [] => short(&v.state, 30),
        [g] => short(
            &tr.f(
                T::ScenarioInGroup,
                &[("state", &v.state), ("group", &g.to_string())],
            ),
            27,
        ),
        gs => tr.f(
            T::ScenarioInGroups,
            &[("state", &v.state), ("n", &gs.len().to_string())],
        ),
    }
}

/// What the arrow under a UDP socket says about the last step's datagrams.
pub(crate) fn got_text(tr: &Tr, got: Got) -> String {
    let (one, other, n) = match got {
        Got::Received { n, copies: false } => (T::ScenarioReceivedOne, T::ScenarioReceivedOther, n),
        Got::Received { n, copies: true } => (T::ScenarioCopiesOne, T::ScenarioCopiesOther, n),
        // The kernel hashes each sender to one member; bindlab's stand-in
        // gave this one n of them.
        Got::Hashed { n: 0 } => return tr.t(T::ScenarioHashNone).to_string(),
        Got::Hashed { n } => (T::ScenarioHashedOne, T::ScenarioHashedOther, n),
        Got::MayGet => return tr.t(T::ScenarioMayGet).to_string(),
    };
    tr.f(if n == 1 { one } else { other }, &[("n", &n.to_string())])
}
