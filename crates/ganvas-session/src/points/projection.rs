//! Two principal components of D's hidden features, stable from frame to frame.

/// Widest feature layer projected (the covariance is `width²`, computed every frame).
pub const MAX_WIDTH: usize = 64;

/// Projects rows onto their first two principal components. Power iteration starts from the
/// previous frame's axes and each axis keeps its sign, so the picture does not flip or jump.
#[derive(Clone, Debug, Default)]
pub struct Projection {
    axes: Vec<Vec<f64>>,
}

impl Projection {
    /// Fits the axes to `rows` (`width` values each, row-major) and projects them.
    /// Layers wider than [`MAX_WIDTH`] use their first two units instead.
    pub fn fit_project(&mut self, rows: &[f32], width: usize) -> Vec<[f32; 2]> {
        let n = rows.len() / width.max(1);
        if width < 2 || n == 0 {
            return rows.iter().map(|&v| [v, 0.0]).collect();
        }
        if width > MAX_WIDTH {
            return rows.chunks_exact(width).map(|r| [r[0], r[1]]).collect();
        }
        let mut mean = vec![0.0_f64; width];
        for row in rows.chunks_exact(width) {
            for (m, &v) in mean.iter_mut().zip(row) {
                *m += f64::from(v) / n as f64;
            }
        }
        let mut cov = vec![0.0_f64; width * width];
        let mut centred = vec![0.0_f64; width];
        for row in rows.chunks_exact(width) {
            for (c, (&v, m)) in centred.iter_mut().zip(row.iter().zip(&mean)) {
                *c = f64::from(v) - m;
            }
            for i in 0..width {
                let ci = centred[i];
                for j in i..width {
                    cov[i * width + j] += ci * centred[j];
                }
            }
        }
        for i in 0..width {
            for j in 0..i {
                cov[i * width + j] = cov[j * width + i];
            }
        }
        if self.axes.len() != 2 || self.axes[0].len() != width {
            self.axes = (0..2)
                .map(|k| (0..width).map(|i| if i == k { 1.0 } else { 0.1 }).collect())
                .collect();
        }
        let first = power_iteration(&cov, width, &self.axes[0], None);
        let second = power_iteration(&cov, width, &self.axes[1], Some(&first));
        self.axes = vec![first, second];
        rows.chunks_exact(width)
            .map(|row| {
                let project = |axis: &[f64]| {
                    row.iter()
                        .zip(axis)
                        .zip(&mean)
                        .map(|((&v, a), m)| (f64::from(v) - m) * a)
                        .sum::<f64>() as f32
                };
                [project(&self.axes[0]), project(&self.axes[1])]
            })
            .collect()
    }
}

/// The leading eigenvector of the symmetric `cov`, orthogonal to `exclude`, starting at
/// `start` and with the same sign as `start`.
fn power_iteration(cov: &[f64], width: usize, start: &[f64], exclude: Option<&[f64]>) -> Vec<f64> {
    let orthogonalise = |v: &mut Vec<f64>| {
        if let Some(other) = exclude {
            let dot: f64 = v.iter().zip(other).map(|(a, b)| a * b).sum();
            for (x, o) in v.iter_mut().zip(other) {
                *x -= dot * o;
            }
        }
        let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt().max(1e-12);
        for x in v.iter_mut() {
            *x /= norm;
        }
    };
    let mut v = start.to_vec();
    orthogonalise(&mut v);
    for _ in 0..12 {
        let mut next: Vec<f64> = (0..width)
            .map(|i| (0..width).map(|j| cov[i * width + j] * v[j]).sum())
            .collect();
        orthogonalise(&mut next);
        v = next;
    }
    let agreement: f64 = v.iter().zip(start).map(|(a, b)| a * b).sum();
    if agreement < 0.0 {
        for x in &mut v {
            *x = -*x;
        }
    }
    v
}
