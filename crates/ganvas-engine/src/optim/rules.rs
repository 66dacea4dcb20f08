//! The update rules on flattened parameters `[n]`.

use burn::tensor::Tensor;

use super::config::{OptimizerConfig, OptimizerKind};

/// Fresh state for a parameter of `n` values on `like`'s device.
pub fn initial_state(kind: OptimizerKind, like: &Tensor<1>) -> Vec<Tensor<1>> {
    let zeros = like.zeros_like();
    match kind {
        OptimizerKind::Adam => vec![zeros.clone(), zeros],
        // TF1 starts the mean square at 1, which keeps the first updates small.
        OptimizerKind::RmsProp => vec![like.ones_like(), zeros],
        OptimizerKind::Sgd => vec![zeros],
    }
}

/// Applies one update at step `t` (1-based): returns the new parameter and state.
pub fn update(
    config: &OptimizerConfig,
    t: u64,
    param: Tensor<1>,
    grad: Tensor<1>,
    state: Vec<Tensor<1>>,
) -> (Tensor<1>, Vec<Tensor<1>>) {
    let lr = config.lr;
    match config.kind {
        OptimizerKind::Adam => {
            let [m, v] = <[Tensor<1>; 2]>::try_from(state).expect("Adam keeps two moments");
            let m = m.mul_scalar(config.beta1) + grad.clone().mul_scalar(1.0 - config.beta1);
            let v = v.mul_scalar(config.beta2) + grad.square().mul_scalar(1.0 - config.beta2);
            let t = t.min(i32::MAX as u64) as i32;
            let m_hat_scale = 1.0 / (1.0 - config.beta1.powi(t));
            let v_hat_scale = 1.0 / (1.0 - config.beta2.powi(t));
            let denom = v
                .clone()
                .mul_scalar(v_hat_scale)
                .sqrt()
                .add_scalar(config.epsilon);
            let step = m.clone().mul_scalar(lr * m_hat_scale) / denom;
            (param - step, vec![m, v])
        }
        OptimizerKind::RmsProp => {
            let [ms, mom] = <[Tensor<1>; 2]>::try_from(state).expect("RMSProp keeps two slots");
            let ms = ms.mul_scalar(config.rho) + grad.clone().square().mul_scalar(1.0 - config.rho);
            let scaled = grad.mul_scalar(lr) / ms.clone().add_scalar(config.epsilon).sqrt();
            let mom = mom.mul_scalar(config.momentum) + scaled;
            (param - mom.clone(), vec![ms, mom])
        }
        OptimizerKind::Sgd => {
            let [velocity] = <[Tensor<1>; 1]>::try_from(state).expect("SGD keeps one slot");
            let velocity = velocity.mul_scalar(config.momentum) - grad.mul_scalar(lr);
            (param + velocity.clone(), vec![velocity])
        }
    }
}
