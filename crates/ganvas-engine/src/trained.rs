//! The trained starting points that ship with the site (`static/models/*.ganvas`, built by
//! `scripts/models.sh`): for each, the model and data it learned, its file and its size, read
//! from the list `static/models/trained.txt` that the same script writes.

/// `static/models/trained.txt`: `model data file bytes steps` per line, `#` starts a comment.
const LIST: &str = include_str!("../../../static/models/trained.txt");

/// One shipped starting point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrainedModel {
    /// The page's model value (a preset name, or `mlp` for the 2D playground's MLP).
    pub model: &'static str,
    /// The data it learned: a 2D dataset's or a shipped image set's name.
    pub data: &'static str,
    /// The file under `static/models/` (the site's `models/`).
    pub file: &'static str,
    /// The file's size in bytes.
    pub bytes: usize,
    /// Training steps it took.
    pub steps: u64,
}

/// Every shipped starting point, in the list's order.
pub fn trained_models() -> Vec<TrainedModel> {
    LIST.lines().filter_map(parse_line).collect()
}

/// The starting point for `model`, preferring one that learned `data`.
pub fn trained_model(model: &str, data: &str) -> Option<TrainedModel> {
    let all = trained_models().into_iter().filter(|t| t.model == model);
    let all: Vec<_> = all.collect();
    all.iter()
        .find(|t| t.data == data)
        .or_else(|| all.first())
        .copied()
}

fn parse_line(line: &'static str) -> Option<TrainedModel> {
    let line = line.split('#').next()?.trim();
    let mut words = line.split_whitespace();
    let model = TrainedModel {
        model: words.next()?,
        data: words.next()?,
        file: words.next()?,
        bytes: words.next()?.parse().ok()?,
        steps: words.next()?.parse().ok()?,
    };
    words.next().is_none().then_some(model)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_line_parses() {
        let lines = LIST
            .lines()
            .filter(|l| !l.split('#').next().unwrap_or("").trim().is_empty())
            .count();
        assert!(lines > 0, "the list names no model");
        assert_eq!(
            trained_models().len(),
            lines,
            "a line of trained.txt is malformed"
        );
    }

    #[test]
    fn lines_parse_and_bad_lines_are_skipped() {
        let good = parse_line("mnist-fast mnist mnist-fast.ganvas 1234 3000  # note").unwrap();
        assert_eq!(
            (good.model, good.data, good.file, good.bytes, good.steps),
            ("mnist-fast", "mnist", "mnist-fast.ganvas", 1234, 3000)
        );
        assert_eq!(parse_line("# only a comment"), None);
        assert_eq!(parse_line("mnist-fast mnist file.ganvas many 3000"), None);
        assert_eq!(
            parse_line("mnist-fast mnist file.ganvas 12 3000 extra"),
            None
        );
    }

    #[test]
    fn the_data_decides_between_two_models_of_one_kind() {
        let models = trained_models();
        let first = models[0];
        assert_eq!(trained_model(first.model, first.data), Some(first));
        assert_eq!(
            trained_model(first.model, "no-such-data").map(|t| t.model),
            Some(first.model)
        );
        assert_eq!(trained_model("no-such-model", first.data), None);
    }
}
