//! The training settings: each one within the page's range.

use crate::error::Result;
use crate::optim::OptimizerConfig;
use crate::training::config::{TrainConfig, Tricks};
use crate::training::limits::{
    BATCH, BETA2, CLIP, D_LR, D_STEPS, DECAY, EMA_DECAY, G_LR, G_STEPS, GP_WEIGHT, INSTANCE_NOISE,
    INSTANCE_NOISE_DECAY, LABEL_FLIP, Limit, OPT_EPSILON, REAL_LABEL, REPLAY, REPLAY_SHARE,
};

pub(super) fn check(train: &TrainConfig) -> Result<()> {
    BATCH.check_count(train.batch_size)?;
    D_STEPS.check_count(train.d_steps)?;
    G_STEPS.check_count(train.g_steps)?;
    optimizer(&train.generator_optimizer, G_LR)?;
    optimizer(&train.discriminator_optimizer, D_LR)?;
    GP_WEIGHT.check(train.gp_weight)?;
    CLIP.check(train.clip)?;
    EMA_DECAY.check(train.ema_decay)?;
    tricks(&train.tricks)
}

pub(super) fn optimizer(config: &OptimizerConfig, lr: Limit) -> Result<()> {
    lr.check(config.lr)?;
    DECAY.check(config.beta1)?;
    BETA2.check(config.beta2)?;
    OPT_EPSILON.check(config.epsilon)?;
    DECAY.check(config.rho)?;
    DECAY.check(config.momentum)
}

fn tricks(tricks: &Tricks) -> Result<()> {
    REAL_LABEL.check(tricks.real_label)?;
    LABEL_FLIP.check(tricks.label_flip)?;
    INSTANCE_NOISE.check(tricks.instance_noise)?;
    INSTANCE_NOISE_DECAY.check(tricks.instance_noise_decay_steps as f64)?;
    REPLAY.check_count(tricks.replay_capacity)?;
    REPLAY_SHARE.check(tricks.replay_share)
}
