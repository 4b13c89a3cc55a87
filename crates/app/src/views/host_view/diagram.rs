//! The host as an SVG, laid out for the width it has.

use yew::prelude::*;

use crate::i18n::{use_tr, T};
use crate::views::host_view::card::Card;
use crate::views::host_view::sock_view::SockView;

/// A label cut to fit a card.
pub(crate) fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max - 1).collect::<String>())
    }
}

/// The `textLength` that keeps a line of 12 px text within `room` px, when
/// it would overflow by an estimate of its width (upper case and digits
/// are wide: "SO_REUSEADDR SO_REUSEPORT" ran past a card); `None` when it
/// fits, so short lines are never stretched. An SVG text has no wrapping,
/// and the server renders it without fonts to measure.
pub(crate) fn squeeze(text: &str, room: i32) -> Option<String> {
    let px: f64 = text
        .chars()
        .map(|c| match c {
            'A'..='Z' | '0'..='9' | '[' | ']' => 8.2,
            ' ' | '.' | ':' | '·' | ',' => 3.9,
            _ => 6.8,
        })
        .sum();
    (px > f64::from(room)).then(|| room.to_string())
}

#[derive(Properties, PartialEq)]
pub(crate) struct DiagramProps {
    pub(crate) addrs: Vec<std::net::IpAddr>,
    pub(crate) views: Vec<SockView>,
    /// The width (CSS px) the diagram may take; `None` until measured.
    pub(crate) room: Option<i32>,
}

pub(crate) const BAND_H: i32 = 34;
pub(crate) const TOP: i32 = 28;
pub(crate) const CARD_W: i32 = 196;
pub(crate) const CARD_H: i32 = 86;
pub(crate) const ROW_GAP: i32 = 40;
pub(crate) const GAP: i32 = 14;
pub(crate) const MAX_COLS: i32 = 4;
pub(crate) const X0: i32 = 16;
/// Room for the address bands' labels (an IPv6 address).
pub(crate) const MIN_W: i32 = 280;
/// One column: the first lane's distance from the cards, and between lanes.
pub(crate) const LANE_GAP: i32 = 14;
pub(crate) const LANE: i32 = 10;

/// One column (a phone): the lines of the cards below the first run up
/// lanes beside the cards, one lane a row while there is room (then they
/// share, from the first again). The diagram widens into the room it has
/// for them. The width, and each row's lane (`None` for the first row,
/// whose line goes straight up).
pub(crate) fn lanes(
    room: Option<i32>,
    width: i32,
    rows: usize,
) -> (i32, impl Fn(usize) -> Option<i32>) {
    let first = X0 + CARD_W + LANE_GAP;
    let want = first + (rows.saturating_sub(1) as i32 - 1).max(0) * LANE + X0;
    let width = want.min(room.unwrap_or(want)).max(width);
    let fit = ((width - X0 - first) / LANE + 1).max(1) as usize;
    (width, move |row: usize| {
        (row > 0).then(|| first + ((row - 1) % fit) as i32 * LANE)
    })
}

/// The room worth keeping for a measured width `w`: `None` (as before any
/// measure) where the widest layout fits, so a wide screen's first measure
/// changes nothing and re-renders nothing; `w` itself otherwise.
pub(crate) fn room_for(w: i32) -> Option<i32> {
    let widest = (2 * X0 + MAX_COLS * (CARD_W + GAP) - GAP).max(MIN_W);
    (w < widest).then_some(w)
}

/// How the diagram is laid out in `room` CSS px: as many columns of cards as
/// fit at full size (never more than there are sockets), so it is drawn at
/// 1:1 and its 12 px labels stay 12 px. `None`: not even one card fits, and
/// the table twin below stands in for it.
pub(crate) fn diagram_layout(room: Option<i32>, sockets: usize) -> Option<(i32, i32)> {
    let fit = room.map_or(MAX_COLS, |r| (r - 2 * X0 + GAP) / (CARD_W + GAP));
    let cols = fit.min(MAX_COLS).min(sockets.max(1) as i32);
    if cols < 1 {
        return None;
    }
    let width = (2 * X0 + cols * (CARD_W + GAP) - GAP).max(MIN_W);
    if room.is_some_and(|r| r < width) {
        return None;
    }
    Some((cols, width))
}

/// The host as an SVG: address bands (IPv4 first, then IPv6), one card per
/// socket, a line from each card to the address it is bound to (a wildcard
/// spans every band of its family), and clients arriving at listeners.
#[function_component(Diagram)]
pub(crate) fn diagram(p: &DiagramProps) -> Html {
    let tr = use_tr();
    let Some((cols, width)) = diagram_layout(p.room, p.views.len()) else {
        return html! { <p class="muted small diagram-none">{ tr.t(T::ScenarioDiagramNoRoom) }</p> };
    };
    let bands_h = p.addrs.len() as i32 * BAND_H;
    // No sockets: the bands and a word, not an empty row of card space.
    let rows = p.views.len().div_ceil(cols as usize);
    // (Several columns keep their width and straight lines; `lanes` is
    // called there only for the closure's type, and not asked.)
    let (width, lane) = if cols == 1 {
        lanes(p.room, width, rows)
    } else {
        lanes(Some(width), width, 0)
    };
    let (one_column, lane) = (cols == 1, &lane);
    let height = TOP
        + bands_h
        + if rows == 0 {
            30
        } else {
            24 + rows as i32 * (CARD_H + ROW_GAP) + 10
        };
    html! {
        // Named and described by its own <title> and <desc> (SVG-AAM), not
        // by ids: a chapter draws several diagrams in one document.
        <svg class="diagram" viewBox={format!("0 0 {width} {height}")} width={width.to_string()} height={height.to_string()} role="img">
            <title>{ tr.t(T::ScenarioDiagramTitle) }</title>
            <desc>{ tr.t(T::ScenarioDiagramDesc) }</desc>
            <text x="10" y="18" class="label">{ tr.t(T::ScenarioLocalAddresses) }</text>
            { for p.addrs.iter().enumerate().map(|(i, a)| html! {
                <g class="band">
                    <rect x="8" y={(TOP + i as i32 * BAND_H).to_string()} width={(width - 16).to_string()} height={(BAND_H - 6).to_string()} rx="4" class={classes!("band-bg", if a.is_ipv6() { "v6" } else { "v4" })} />
                    <text x="16" y={(TOP + i as i32 * BAND_H + 19).to_string()} class="addr">{ a.to_string() }</text>
                </g>
            }) }
            if p.views.is_empty() {
                <text x="10" y={(TOP + bands_h + 18).to_string()} class="label">{ tr.t(T::ScenarioNoSockets) }</text>
            }
            // Two passes: every line to a band first, then the cards over
            // them, so a line never crosses a card's text (on a phone, a
            // lower card's line runs up a lane beside the cards instead).
            // Keyed by socket, in a list of its own (the fragment: a keyed
            // list must hold nothing else): Yew matches an unkeyed list from
            // its end, so a socket added (or the links pass growing) would
            // shift every card onto its neighbour's and redraw them all.
            <>{ for [true, false].into_iter().flat_map(|links| p.views.iter().enumerate().map(move |(k, v)| {
                let x = X0 + (k as i32 % cols) * (CARD_W + GAP);
                let y = TOP + bands_h + 24 + (k as i32 / cols) * (CARD_H + ROW_GAP);
                let key = 2 * v.id + usize::from(links);
                // Rows below the first step their lines 18 px right, up to
                // the card's edge (a column's cards share an x).
                let wire_dx = ((k as i32 / cols) * 18) % (CARD_W / 2 - 8);
                let lane = if one_column { lane(k) } else { None };
                html! { <Card {key} view={v.clone()} addrs={p.addrs.clone()} x={x} y={y} links={links} {wire_dx} {lane} /> }
            })) }</>
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two options in capitals overflow a card and are squeezed to it; a
    /// short line, or an IPv4 address and port, is left as it is.
    #[test]
    fn only_a_line_wider_than_the_card_is_squeezed() {
        let room = CARD_W - 20;
        assert_eq!(
            squeeze("SO_REUSEADDR SO_REUSEPORT", room),
            Some("176".into())
        );
        assert_eq!(squeeze("SO_REUSEADDR", room), None);
        assert_eq!(squeeze("127.0.0.1:8080", room), None);
        assert_eq!(
            squeeze("[2001:db8::1234:5678]:65535", room),
            Some("176".into())
        );
    }

    /// Keeping `None` for a wide room lays the diagram out as the width
    /// itself would, for every count of sockets; a narrow room is kept.
    #[test]
    fn a_wide_room_is_kept_as_none_and_lays_out_the_same() {
        for w in [100, 279, 280, 500, 857, 858, 859, 1209, 4000] {
            for n in 0..=70 {
                assert_eq!(
                    diagram_layout(room_for(w), n),
                    diagram_layout(Some(w), n),
                    "width {w}, {n} sockets"
                );
            }
        }
        assert_eq!(room_for(1209), None);
        assert_eq!(room_for(342), Some(342));
    }

    /// One column on a phone: the first card's line goes straight up; each
    /// card below has a lane of its own right of the cards, inside the
    /// diagram, which widens into the room it has (and no further); with
    /// more rows than lanes, lanes are shared rather than drawn outside.
    #[test]
    fn a_phones_lower_cards_run_their_lines_up_lanes_beside_the_cards() {
        let (w, lane) = lanes(Some(342), 280, 8);
        assert_eq!(lane(0), None);
        let xs: Vec<i32> = (1..8).map(|r| lane(r).unwrap()).collect();
        assert!(xs.windows(2).all(|p| p[0] < p[1]), "{xs:?}");
        assert!(xs[0] > X0 + CARD_W && xs[6] <= w - X0, "{xs:?} in {w}");
        assert!(w > 280 && w < 342, "{w}");
        // Five rows: four lanes fit the narrowest diagram as it is.
        assert_eq!(lanes(Some(342), 280, 5).0, 280);
        // Two rows: one lane, no wider than it was.
        assert_eq!(lanes(Some(342), 280, 2).0, 280);
        // Sixty rows in 342 px: every lane inside, some shared.
        let (w, lane) = lanes(Some(342), 280, 60);
        assert_eq!(w, 342);
        let xs: Vec<i32> = (1..60).map(|r| lane(r).unwrap()).collect();
        assert!(xs.iter().all(|&x| x > X0 + CARD_W && x <= w - X0));
        assert!(xs.iter().collect::<std::collections::BTreeSet<_>>().len() < xs.len());
    }
}
