#ifndef CKERNELS_H
#define CKERNELS_H

/// Single-precision elementwise kernels of the network's hot loops (tanh, logistic, the fused
/// tanh-derivative with column sums, the Bernoulli loss terms and gradients), each compiled for
/// three instruction sets — the x86-64 baseline (SSE2), AVX2 and AVX-512 — so that the package
/// builds for any x86-64 and still runs 8- or 16-wide where the processor allows. The caller
/// picks the level once (`ck_supported_level`) and passes it to every call.
///
/// The arithmetic is that of `FastMath` in NGModels operation for operation, with floating-point
/// contraction off (no fused multiply-add), so every level returns the same bits as the Swift
/// functions.

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction-set levels: 0 = baseline x86-64 (or any non-x86 processor), 1 = AVX2, 2 = AVX-512 (F and DQ).
enum {
    CK_LEVEL_BASELINE = 0,
    CK_LEVEL_AVX2 = 1,
    CK_LEVEL_AVX512 = 2,
};

/// The highest level that this processor and operating system support (CPUID and XGETBV).
int ck_supported_level(void);

/// y[i] = tanh(x[i]) (FastMath.tanh), i < count. x and y must not overlap.
void ck_tanh_f32(int level, const float *x, float *y, long count);

/// y[i] = σ(x[i]) (FastMath.logistic), i < count. x and y must not overlap.
void ck_logistic_f32(int level, const float *x, float *y, long count);

/// For the rows×columns row-major blocks y (= tanh of the pre-activation) and delta:
/// delta ← (1 − y²)·delta in place, and sums[j] += Σᵢ delta[i][j] (new delta), rows in order.
void ck_tanh_derivative_column_sums_f32(int level, const float *y, float *delta, long rows, long columns, float *sums);

/// terms[i] = softplus(z[i]) − t[i]·z[i] and, when gradients is not NULL,
/// gradients[i] = alpha·(σ(z[i]) − t[i]), i < count (the Bernoulli loss, from e = e^{−|z|}).
void ck_bernoulli_f32(int level, const float *z, const float *t, long count, float alpha, float *terms, float *gradients);

#ifdef __cplusplus
}
#endif

#endif
