//! A replay buffer of past fakes (Shrivastava et al. 2017): D keeps seeing what G used to
//! make, which discourages G from cycling between modes.

use burn::tensor::{Int, Tensor, TensorData};

use crate::rng::Rng;

/// Past fake batches, detached, on the device.
#[derive(Debug, Default, Clone)]
pub struct ReplayBuffer {
    batches: Vec<Tensor<2>>,
    next: usize,
}

impl ReplayBuffer {
    /// Number of batches stored.
    pub fn len(&self) -> usize {
        self.batches.len()
    }

    /// Whether nothing is stored yet.
    pub fn is_empty(&self) -> bool {
        self.batches.is_empty()
    }

    /// Replaces `share` of `fakes` `[batch, dim]` with random rows of one stored batch, then
    /// stores `fakes` (keeping at most `capacity` samples). A `capacity` of 0 disables it.
    pub fn mix(
        &mut self,
        fakes: Tensor<2>,
        capacity: usize,
        share: f64,
        rng: &mut Rng,
    ) -> Tensor<2> {
        let [batch, _] = fakes.dims();
        if capacity == 0 || batch == 0 {
            self.batches.clear();
            return fakes;
        }
        let max_batches = capacity.div_ceil(batch).max(1);
        let replayed = (share.clamp(0.0, 1.0) * batch as f64).round() as usize;
        let mixed = if replayed > 0 && !self.batches.is_empty() {
            let past = &self.batches[rng.below(self.batches.len())];
            let [past_len, _] = past.dims();
            let rows: Vec<i64> = (0..replayed).map(|_| rng.below(past_len) as i64).collect();
            let rows =
                Tensor::<1, Int>::from_data(TensorData::new(rows, [replayed]), &fakes.device());
            let old = past.clone().select(0, rows);
            Tensor::cat(
                vec![old, fakes.clone().narrow(0, replayed, batch - replayed)],
                0,
            )
        } else {
            fakes.clone()
        };
        self.batches.truncate(max_batches);
        if self.batches.len() < max_batches {
            self.batches.push(fakes.detach());
        } else {
            let slot = self.next % max_batches;
            self.batches[slot] = fakes.detach();
        }
        self.next = self.next.wrapping_add(1);
        mixed
    }
}
