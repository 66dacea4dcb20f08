//! Labelled form fields that refuse bad values with a clear message and keep the old one.

use leptos::prelude::*;

use crate::state::Ctx;

/// A labelled number input. A value outside `[min, max]` (or not a number) shows an alert,
/// restores the current value and changes nothing.
#[component]
pub fn NumberField(
    /// Element id (also ties the label to the input).
    id: &'static str,
    /// The visible label (the accessible name).
    label: &'static str,
    /// The current value.
    #[prop(into)]
    value: Signal<f64>,
    /// Smallest accepted value.
    min: f64,
    /// Largest accepted value.
    max: f64,
    /// The input's step (`"any"` for free decimals).
    #[prop(default = "any")]
    step: &'static str,
    /// Whether only whole numbers are accepted.
    #[prop(default = false)]
    integer: bool,
    /// Receives each accepted value.
    on_value: Callback<f64>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let input = NodeRef::<leptos::html::Input>::new();
    let on_change = move |_| {
        let Some(element) = input.get() else {
            return;
        };
        let text = element.value();
        let parsed = text.trim().parse::<f64>().ok();
        match parsed {
            Some(v)
                if v.is_finite() && (min..=max).contains(&v) && (!integer || v.fract() == 0.0) =>
            {
                ctx.error.set(None);
                on_value.run(v);
            }
            _ => {
                let kind = if integer {
                    "a whole number"
                } else {
                    "a number"
                };
                let current = value.get_untracked();
                ctx.error.set(Some(format!(
                    "{label} must be {kind} from {min} to {max}; \"{text}\" was not used, it stays {current}."
                )));
                element.set_value(&current.to_string());
            }
        }
    };
    view! {
        <label for=id>{label}</label>
        <input id=id node_ref=input type="number" min=min max=max step=step
            prop:value=move || value.get().to_string() on:change=on_change />
    }
}

/// A labelled select over `(value, label)` options.
#[component]
pub fn SelectField(
    /// Element id.
    id: &'static str,
    /// The visible label (the accessible name).
    label: &'static str,
    /// `(value, label)` pairs (they may change, e.g. with the kind of data).
    #[prop(into)]
    options: Signal<Vec<(String, String)>>,
    /// The selected value.
    #[prop(into)]
    selected: Signal<String>,
    /// Receives the chosen value.
    on_value: Callback<String>,
) -> impl IntoView {
    view! {
        <label for=id>{label}</label>
        <select id=id prop:value=move || selected.get()
            on:change=move |ev| on_value.run(event_target_value(&ev))>
            {move || options.get().into_iter().map(|(value, text)| {
                let current = value.clone();
                view! { <option value=value selected=move || selected.get() == current>{text}</option> }
            }).collect_view()}
        </select>
    }
}
