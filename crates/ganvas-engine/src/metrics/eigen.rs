//! Eigenvalues of small symmetric matrices by the cyclic Jacobi method, in `f64` on the host.

/// Sweeps after which Jacobi stops even if off-diagonal mass remains (it converges
/// quadratically; 128×128 covariances need about 10).
const MAX_SWEEPS: usize = 60;

/// A symmetric matrix's eigen-decomposition `A = V · diag(λ) · Vᵀ`.
#[derive(Debug, Clone, PartialEq)]
pub struct SymmetricEigen {
    /// Eigenvalues `λ` (unsorted).
    pub values: Vec<f64>,
    /// Eigenvectors as the columns of `V`, row-major `[n, n]`.
    pub vectors: Vec<f64>,
}

/// Decomposes the symmetric `n × n` matrix `a` (row-major; only its symmetric part counts).
///
/// # Panics
/// If `a.len() != n * n` (a programming error).
pub fn symmetric_eigen(a: &[f64], n: usize) -> SymmetricEigen {
    assert_eq!(a.len(), n * n, "a square matrix");
    let mut a: Vec<f64> = (0..n * n)
        .map(|k| 0.5 * (a[k] + a[(k % n) * n + k / n]))
        .collect();
    let mut v = identity(n);
    let scale = a.iter().map(|x| x * x).sum::<f64>().max(f64::MIN_POSITIVE);
    for _ in 0..MAX_SWEEPS {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * n + j] * a[i * n + j])
            .sum();
        if off <= scale * 1e-28 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                rotate(&mut a, &mut v, n, p, q);
            }
        }
    }
    SymmetricEigen {
        values: (0..n).map(|i| a[i * n + i]).collect(),
        vectors: v,
    }
}

/// The `n × n` identity, row-major.
fn identity(n: usize) -> Vec<f64> {
    (0..n * n)
        .map(|k| if k % (n + 1) == 0 { 1.0 } else { 0.0 })
        .collect()
}

/// One Jacobi rotation zeroing `a[p][q]`, accumulated into the eigenvectors `v`.
fn rotate(a: &mut [f64], v: &mut [f64], n: usize, p: usize, q: usize) {
    let apq = a[p * n + q];
    if apq == 0.0 {
        return;
    }
    let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
    // The smaller root of t² + 2θt − 1 = 0 (a rotation of at most 45°); signum(0) is 1.
    let t = theta.signum() / (theta.abs() + theta.hypot(1.0));
    let c = 1.0 / t.hypot(1.0);
    let s = t * c;
    for k in 0..n {
        // A ← A·J (columns p, q), then A ← Jᵀ·A (rows p, q).
        let (akp, akq) = (a[k * n + p], a[k * n + q]);
        a[k * n + p] = c * akp - s * akq;
        a[k * n + q] = s * akp + c * akq;
    }
    for k in 0..n {
        let (apk, aqk) = (a[p * n + k], a[q * n + k]);
        a[p * n + k] = c * apk - s * aqk;
        a[q * n + k] = s * apk + c * aqk;
    }
    for k in 0..n {
        let (vkp, vkq) = (v[k * n + p], v[k * n + q]);
        v[k * n + p] = c * vkp - s * vkq;
        v[k * n + q] = s * vkp + c * vkq;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reconstruct(e: &SymmetricEigen, n: usize) -> Vec<f64> {
        (0..n * n)
            .map(|k| {
                let (i, j) = (k / n, k % n);
                (0..n)
                    .map(|m| e.vectors[i * n + m] * e.values[m] * e.vectors[j * n + m])
                    .sum()
            })
            .collect()
    }

    #[test]
    fn two_by_two_by_hand() {
        // [[2, 1], [1, 2]] has eigenvalues 1 and 3.
        let e = symmetric_eigen(&[2.0, 1.0, 1.0, 2.0], 2);
        let mut values = e.values.clone();
        values.sort_by(f64::total_cmp);
        assert!((values[0] - 1.0).abs() < 1e-12 && (values[1] - 3.0).abs() < 1e-12);
    }

    #[test]
    fn reconstructs_a_random_symmetric_matrix() {
        let n = 9;
        let mut rng = crate::rng::Rng::new(5);
        let b: Vec<f64> = (0..n * n).map(|_| f64::from(rng.normal())).collect();
        let a: Vec<f64> = (0..n * n).map(|k| b[k] + b[(k % n) * n + k / n]).collect();
        let e = symmetric_eigen(&a, n);
        for (got, want) in reconstruct(&e, n).iter().zip(&a) {
            assert!((got - want).abs() < 1e-9, "{got} vs {want}");
        }
        let trace: f64 = (0..n).map(|i| a[i * n + i]).sum();
        assert!((e.values.iter().sum::<f64>() - trace).abs() < 1e-9);
    }
}
