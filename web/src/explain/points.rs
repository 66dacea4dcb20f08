//! The 2D GAN's iteration in words: noise, fakes, D's and G's updates, with the live numbers.

use crate::trainer::Walkthrough;

/// The diagram's labels, box by box (see [`super::BOXES`]).
pub const LABELS: [&str; 8] = [
    "noise z", "G", "G(z)", "real x", "D", "D loss", "G loss", "update",
];

fn fmt_points(points: &[Vec<f32>]) -> String {
    points
        .iter()
        .map(|p| {
            let inner: Vec<String> = p.iter().map(|v| format!("{v:.2}")).collect();
            format!("({})", inner.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The text of `phase`, in our own words, with the measured numbers.
pub fn phase_text(phase: usize, w: &Walkthrough) -> (String, String) {
    let unit = if w.probability { "P(real)" } else { "score" };
    match phase {
        0 => (
            "1 · Sample noise".into(),
            format!(
                "G never sees the data. It starts from random noise z; here are three of the 64 noise vectors we follow: {} …",
                fmt_points(&w.noise)
            ),
        ),
        1 => (
            "2 · G turns noise into fakes".into(),
            format!(
                "G maps each z to a point. The same three, as points: {} …",
                fmt_points(&w.fakes.iter().map(|p| p.to_vec()).collect::<Vec<_>>())
            ),
        ),
        2 => (
            "3 · D scores real and fake".into(),
            format!(
                "D looks at 64 real points and the 64 fakes. Mean {unit}: real {:.3}, fake {:.3}. D wants these far apart.",
                w.d_real[0], w.d_fake[0]
            ),
        ),
        3 => (
            "4 · D's loss".into(),
            format!(
                "D's loss measures how badly it told them apart: {:.4}. Lower is better for D.",
                w.d_loss[0]
            ),
        ),
        4 => (
            "5 · D learns".into(),
            format!(
                "One optimiser step moves D's weights downhill on its loss. Measured again on the same points: loss {:.4} → {:.4}; mean {unit} real {:.3} → {:.3}, fake {:.3} → {:.3}.",
                w.d_loss[0], w.d_loss[1], w.d_real[0], w.d_real[1], w.d_fake[0], w.d_fake[1]
            ),
        ),
        5 => (
            "6 · G's loss".into(),
            format!(
                "Now G is judged by the updated D: its loss is {:.4} (it was {:.4} before D learned). G wants D to call its fakes real.",
                w.g_loss[1], w.g_loss[0]
            ),
        ),
        _ => (
            "7 · G learns".into(),
            format!(
                "The gradient flows back through D (whose weights stay put) into G, which moves its fakes towards what D calls real. Same noise, new fakes: G's loss {:.4} → {:.4}, mean {unit} on fakes {:.3} → {:.3}. That was one iteration; training repeats it thousands of times.",
                w.g_loss[1], w.g_loss[2], w.d_fake[1], w.d_fake[2]
            ),
        ),
    }
}
