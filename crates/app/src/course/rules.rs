//! The rule catalogue's page.

use std::collections::BTreeMap;

use bindlab_engine::rule_texts::{self, RuleText};
use bindlab_engine::rules;
use bindlab_engine::Errno;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::focus_heading;
use super::localized::notice;
use crate::browser::dom::scroll_to;
use crate::browser::dom::set_title;
use crate::hooks::{use_fetched, Fetched, Sources};
use crate::i18n::{use_tr, Tr, T};
use crate::nav::use_navigated;

/// The rules' explanations and sources: not in the wasm (the engine is built
/// without `explanations`), fetched when this page first opens.
const TEXTS: &str = "static/rule-texts.tsv";

/// Where the explanations come from in `tr`'s language (the same format,
/// written by `cargo xtask dist`), the English file standing in for it.
pub(crate) fn texts_sources(tr: &Tr) -> Sources {
    Sources {
        translated: match tr.locale() {
            bindlab_course::locale::Locale::En => TEXTS.to_string(),
            l => bindlab_course::bundle::rule_texts_path(l),
        },
        english: TEXTS.to_string(),
    }
}

#[derive(Properties, PartialEq)]
pub(crate) struct RulesProps {
    pub(crate) rule: Option<String>,
}

/// The rule catalogue's groups: a rule id's first part names its OS module.
pub(crate) const RULE_GROUPS: &[(&str, T)] = &[
    ("common", T::RulesGroupCommon),
    ("linux", T::RulesGroupLinux),
    ("bsd", T::RulesGroupBsd),
    ("freebsd", T::RulesGroupFreebsd),
    ("macos", T::RulesGroupMacos),
    ("windows", T::RulesGroupWindows),
];

pub(crate) fn rule_group(id: &str) -> &str {
    id.split('.').next().unwrap_or("")
}

/// `#/rules/linux` opens at a group rather than at one rule.
pub(crate) fn is_rule_group(key: &str) -> bool {
    RULE_GROUPS.iter().any(|(k, _)| *k == key)
}

/// The error names in a message a program printed: strerror's words (Linux,
/// the BSDs; in English, and in Chinese as glibc's zh_CN says them),
/// Windows' messages (English, and Chinese for the two a bind meets most)
/// and Winsock's numbers (`[WinError 10048]`, a bare `10013`), for the
/// errors the rules give. A filter holding one ("OSError: [Errno 98]
/// Address already in use", pasted) looks for the rules that give that
/// error (any of them, if it holds several), by its name in their texts
/// (EADDRINUSE; WSAEADDRINUSE holds it too; a Winsock number by its name or
/// itself), and for nothing else it says. `text` is folded.
fn errno_names_in(text: &str) -> Option<Vec<String>> {
    const MESSAGES: &[(&str, &str)] = &[
        ("address already in use", "eaddrinuse"),
        ("cannot assign requested address", "eaddrnotavail"),
        ("can't assign requested address", "eaddrnotavail"),
        ("permission denied", "eacces"),
        ("connection refused", "econnrefused"),
        ("invalid argument", "einval"),
        ("network is unreachable", "enetunreach"),
        ("no route to host", "ehostunreach"),
        ("address family not supported", "eafnosupport"),
        ("transport endpoint is already connected", "eisconn"),
        ("socket is already connected", "eisconn"),
        ("only one usage of each socket address", "wsaeaddrinuse"),
        (
            "an attempt was made to access a socket in a way forbidden",
            "wsaeacces",
        ),
        (
            "the requested address is not valid in its context",
            "wsaeaddrnotavail",
        ),
        // glibc's zh_CN messages (libc.mo), and how a reader says the first.
        ("地址已在使用", "eaddrinuse"),
        ("地址已被占用", "eaddrinuse"),
        ("端口已被占用", "eaddrinuse"),
        ("无法指定被请求的地址", "eaddrnotavail"),
        ("权限不够", "eacces"),
        ("拒绝连接", "econnrefused"),
        ("网络不可达", "enetunreach"),
        ("无效的参数", "einval"),
        // Windows in Chinese: 10048's and 10013's messages.
        ("只允许使用一次", "wsaeaddrinuse"),
        ("访问权限不允许的方式", "wsaeacces"),
    ];
    let mut names: Vec<String> = MESSAGES
        .iter()
        .filter(|(message, _)| text.contains(message))
        .map(|(_, name)| name.to_string())
        .collect();
    // A Winsock number the rules give: its name, and the number as written.
    for n in text.split(|c: char| !c.is_ascii_digit()) {
        let code = n.parse::<u32>().ok();
        if let Some(e) = Errno::ALL
            .into_iter()
            .find(|e| Some(e.windows_code()) == code)
        {
            names.push(e.windows_name().to_ascii_lowercase());
            names.push(n.to_string());
        }
    }
    names.dedup();
    (!names.is_empty()).then_some(names)
}

/// Every rule the engine decides by, as the verdicts name them, grouped by
/// OS, with a filter over id, title and text. A rule's section has the
/// rule's id for its id and a group's heading the group's key, so a link's
/// fragment (`rules/#linux.bind.conflict`, `rules/#windows`) lands there
/// without JavaScript too.
#[function_component(RulesPage)]
pub(crate) fn rules_page(p: &RulesProps) -> Html {
    let tr = use_tr();
    let navigated = use_navigated();
    let filter = use_state(String::new);
    let attempt = use_state(|| 0u32);
    let got = use_fetched(texts_sources(&tr), *attempt, |t| rule_texts::parse(&t));
    let fetched = got.fetched;
    let texts: Option<&BTreeMap<String, RuleText>> = match &fetched {
        Fetched::Ready(t) => Some(t),
        _ => None,
    };
    let text_of = |id: &str| texts.and_then(|t| t.get(id));
    {
        let title = tr.t(T::PageRulesTitle).to_string();
        let filter = filter.clone();
        use_effect_with((p.rule.clone(), title), move |(rule, title)| {
            set_title(title);
            match rule {
                // A link to a rule clears the filter (the box and the list
                // would disagree), then scrolls once the list is whole again.
                Some(r) if !filter.is_empty() => {
                    filter.set(String::new());
                    let r = r.clone();
                    gloo::timers::callback::Timeout::new(0, move || scroll_to(&r)).forget();
                }
                Some(r) => scroll_to(r),
                None => focus_heading(navigated),
            }
        });
    }
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(el) = e.target_dyn_into::<HtmlInputElement>() {
                filter.set(el.value());
            }
        })
    };
    // ASCII case folding: the texts are English and Chinese (which has no
    // case), and Unicode's case tables would cost the wasm ~13 KB. A dash is
    // an underscore: `ss` prints TIME-WAIT, the texts say TIME_WAIT.
    let fold = |s: &str| s.to_ascii_lowercase().replace('-', "_");
    // Typed words must all be found; error names from a message, any.
    let names = errno_names_in(&fold(&filter));
    let any = names.is_some();
    let words: Vec<String> = names.unwrap_or_else(|| filter.split_whitespace().map(fold).collect());
    // The title in both languages: an English word finds a rule too.
    let named = |r: &rules::Rule| {
        fold(&format!(
            "{} {} {}",
            r.id,
            r.title,
            tr.rule_title(r.id, r.title)
        ))
    };
    // A link to a rule clears the filter (above), so the rule it names is
    // shown; a filter typed after that is obeyed, the box and the list agree.
    let matches = |r: &rules::Rule| {
        let (explanation, source) = text_of(r.id).map_or(("", ""), |t| (&t.explanation, &t.source));
        let hay = format!("{} {} {}", named(r), fold(explanation), fold(source));
        if any {
            words.iter().any(|w| hay.contains(w.as_str()))
        } else {
            words.iter().all(|w| hay.contains(w.as_str()))
        }
    };
    let all = rules::catalogue();
    let mut shown: Vec<&rules::Rule> = all.iter().filter(|r| matches(r)).collect();
    // Within each group, a rule whose id or title holds every word comes
    // before one that matched only in its explanation or source: a reader
    // who typed a rule's name wants that rule first.
    if !words.is_empty() {
        bindlab_engine::sort::by_key(&mut shown, |r| {
            let name = named(r);
            u64::from(!words.iter().all(|w| name.contains(w.as_str())))
        });
    }
    let groups: Vec<(&str, &str, Vec<&rules::Rule>)> = RULE_GROUPS
        .iter()
        .map(|&(key, label)| {
            let in_group = shown.iter().copied().filter(|r| rule_group(r.id) == key);
            (key, tr.t(label), in_group.collect())
        })
        .collect();
    let unknown = p
        .rule
        .as_deref()
        .filter(|id| rules::rule(id).is_none() && !is_rule_group(id));
    // Back up from a long group: focus moves with the view (the filter's
    // row, a place to start again), as a keyboard reader expects.
    let to_tools = Callback::from(|e: MouseEvent| {
        e.prevent_default();
        crate::browser::dom::focus_by_id("rule-tools");
    });
    html! {
        <article class="rules">
            <h1 tabindex="-1">{ tr.t(T::RulesTitle) }</h1>
            <p class="lede">{ tr.t(T::RulesLede) }</p>
            if let Some(id) = unknown {
                <p class="notice" role="status">{ tr.f(T::RulesNoRule, &[("id", id)]) }</p>
            }
            if let Fetched::Failed(e) = &fetched {
                <p class="notice error" role="alert">
                    { tr.f(T::RulesLoadFailed, &[("error", e)]) }
                    {" "}
                    <button type="button" onclick={
                        let attempt = attempt.clone();
                        Callback::from(move |_| attempt.set(*attempt + 1))
                    }>{ tr.t(T::CourseTryAgain) }</button>
                </p>
            }
            { notice(&tr, got.fallback) }
            <div class="rules-tools" id="rule-tools">
                <label for="rule-filter">{ tr.t(T::RulesFilter) }</label>
                <input id="rule-filter" type="search" placeholder={tr.t(T::RulesFilterPlaceholder).to_string()} autocomplete="off"
                    value={(*filter).clone()} oninput={on_filter} />
                <span class="muted small" role="status">{ tr.f(T::RulesCount, &[("n", &shown.len().to_string()), ("of", &all.len().to_string())]) }</span>
            </div>
            <nav class="rule-groups" aria-label={tr.t(T::RulesByOs).to_string()}>
                // A group the filter emptied has nothing to jump to: plain text.
                { for groups.iter().map(|(key, label, in_group)| {
                    let text = tr.f(T::RulesGroupCount, &[("group", label), ("n", &in_group.len().to_string())]);
                    if in_group.is_empty() {
                        html! { <span class="muted">{ text }</span> }
                    } else {
                        html! { <a href={tr.href(&crate::route::Route::Rules(Some(key.to_string())))} onclick={jump(key.to_string())}>{ text }</a> }
                    }
                }) }
            </nav>
            // One node (a list), not `for`'s nodes spliced in among the
            // article's: Yew matches siblings from the end, so a change in
            // the number of groups rebuilt the nodes before them, the filter
            // box too, which lost the focus mid-word ("Address alr…").
            { groups.iter().filter(|(_, _, in_group)| !in_group.is_empty()).map(|(key, label, in_group)| {
                html! {
                    <section class="rule-group" aria-labelledby={*key}>
                        <h2 id={*key}>{ *label }</h2>
                        { for in_group.iter().map(|r| {
                            let current = p.rule.as_deref() == Some(r.id);
                            html! {
                                <section id={r.id} class={classes!("rule", current.then_some("current"))}>
                                    <h3>{ tr.rule_title(r.id, r.title) }</h3>
                                    <p><code>{ r.id }</code></p>
                                    { match (&fetched, text_of(r.id)) {
                                        (_, Some(t)) => html! {
                                            <>
                                            <p>{ super::markdown::inline(&tr, &t.explanation) }</p>
                                            <p class="muted small">{ tr.t(T::RulesSource) }{" "}{ crate::views::with_code(&t.source) }</p>
                                            </>
                                        },
                                        (Fetched::Loading, None) => html! { <p class="muted explanation-pending">{ tr.t(T::RulesLoadingExplanation) }</p> },
                                        (Fetched::Failed(_), None) => html! { <p class="muted explanation-pending">{ tr.t(T::RulesExplanationFailed) }</p> },
                                        (Fetched::Ready(_), None) => html! { <p class="muted explanation-pending">{ tr.t(T::RulesExplanationMissing) }</p> },
                                    } }
                                </section>
                            }
                        }) }
                        <p class="to-top"><a href={format!("{}#rule-tools", tr.href(&crate::route::Route::Rules(None)))} onclick={to_tools.clone()}>{ tr.t(T::RulesBackToGroups) }</a></p>
                    </section>
                }
            }).collect::<Html>() }
            if shown.is_empty() {
                <p>{ tr.t(T::RulesNoMatch) }</p>
            }
        </article>
    }
}

/// A link within the page that scrolls instead of changing the route.
pub(crate) fn jump(id: String) -> Callback<MouseEvent> {
    Callback::from(move |e: MouseEvent| {
        e.prevent_default();
        scroll_to(&id);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_message_in_the_filter_is_its_errors_name() {
        assert_eq!(
            errno_names_in("oserror: [errno 98] address already in use"),
            Some(vec!["eaddrinuse".to_string()])
        );
        assert_eq!(
            errno_names_in("bind: can't assign requested address"),
            Some(vec!["eaddrnotavail".to_string()])
        );
        assert_eq!(errno_names_in("time_wait restart"), None);
        // Winsock's numbers, as Python prints them or bare.
        assert_eq!(
            errno_names_in("oserror: [winerror 10048] only one usage of each socket address"),
            Some(vec!["wsaeaddrinuse".to_string(), "10048".into()])
        );
        assert_eq!(
            errno_names_in("10013"),
            Some(vec!["wsaeacces".to_string(), "10013".into()])
        );
        assert_eq!(errno_names_in("port 8080 98"), None);
        // Chinese: glibc's words, and Windows' for 10048.
        assert_eq!(
            errno_names_in("oserror: [errno 98] 地址已在使用"),
            Some(vec!["eaddrinuse".to_string()])
        );
        assert_eq!(
            errno_names_in("通常每个套接字地址(协议/网络地址/端口)只允许使用一次。"),
            Some(vec!["wsaeaddrinuse".to_string()])
        );
    }

    #[test]
    fn every_rule_is_in_a_group_of_the_rules_page() {
        for r in rules::catalogue() {
            assert!(
                is_rule_group(rule_group(r.id)),
                "{} has no group on the rules page",
                r.id
            );
        }
    }

    #[test]
    fn explanations_come_in_the_pages_language() {
        let en = texts_sources(&Tr::english());
        assert_eq!(en.translated, "static/rule-texts.tsv");
        assert_eq!(en.after(&en.translated), None);
        let zh = crate::course::zh_for_tests();
        let s = texts_sources(&zh);
        assert_eq!(s.translated, "i18n/zh-CN/rule-texts.tsv");
        assert_eq!(s.after(&s.translated), Some("static/rule-texts.tsv"));
        assert!(s.is_fallback("static/rule-texts.tsv"));
    }
}
