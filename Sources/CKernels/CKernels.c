// Elementwise Float kernels at three instruction-set levels, chosen by the caller at run time
// (see include/CKernels.h). The scalar functions below are FastMath.swift's, operation for
// operation; the loops in KernelBodies.h are vectorized by the compiler at each level's width.

#include "CKernels.h"

#include <stdint.h>
#include <string.h>

// Same bits as the Swift code: no fused multiply-add even where the target has FMA.
#pragma clang fp contract(off)

#define CK_INLINE static inline __attribute__((always_inline))

CK_INLINE uint32_t ck_bits(float x) { uint32_t b; memcpy(&b, &x, 4); return b; }
CK_INLINE float ck_float(uint32_t b) { float x; memcpy(&x, &b, 4); return x; }
CK_INLINE float ck_abs(float x) { return ck_float(ck_bits(x) & 0x7FFFFFFFu); }

/// FastMath.exp: Cody–Waite reduction, degree-6 polynomial, 2ⁿ as two normal factors.
CK_INLINE float ck_exp_scalar(float x) {
    x = x < -104.5f ? -104.5f : x;
    x = x > 88.8f ? 88.8f : x;
    const float shifter = 12582912.0f;
    float t = x * 1.44269504f + shifter;
    float n = t - shifter;
    float r = (x - n * 0.693359375f) - n * -2.1219444e-4f;
    float q = 1.3814613e-3f;
    q = q * r + 8.3687098e-3f;
    q = q * r + 4.1668387e-2f;
    q = q * r + 0.16666521f;
    q = q * r + 0.49999993f;
    float expR = (1.0f + r) + (r * r) * q;
    int32_t k = (int32_t)(ck_bits(t) - 0x4B400000u);
    int32_t half = k >> 1;
    float first = ck_float((uint32_t)(half + 127) << 23);
    float second = ck_float((uint32_t)(k - half + 127) << 23);
    return expR * first * second;
}

/// FastMath.tanh: a·P(a²)/Q(a²), a = min(|x|, 7.9294696), sign copied back.
CK_INLINE float ck_tanh_scalar(float x) {
    uint32_t xb = ck_bits(x);
    float magnitude = ck_float(xb & 0x7FFFFFFFu);
    float a = magnitude > 7.9294696f ? 7.9294696f : magnitude;
    float u = a * a;
    float p = -1.16500369e-13f;
    p = p * u + 6.39683931e-11f;
    p = p * u - 2.23770389e-8f;
    p = p * u + 1.16575175e-5f;
    p = p * u + 3.15079908e-3f;
    p = p * u + 0.131256342f;
    p = p * u + 1.0f;
    float q = 2.61506531e-4f;
    q = q * u + 2.46807132e-2f;
    q = q * u + 0.464589655f;
    q = q * u + 1.0f;
    float result = a * p / q;
    return ck_float(ck_bits(result) | (xb & 0x80000000u));
}

/// FastMath.logistic: e = e^{−|x|}, (x < 0 ? e : 1)/(1 + e).
CK_INLINE float ck_logistic_scalar(float x) {
    float e = ck_exp_scalar(-ck_abs(x));
    float numerator = x < 0.0f ? e : 1.0f;
    return numerator / (1.0f + e);
}

/// FastMath.log1p(unitInterval:): 2·atanh(s), s = e/(2 + e).
CK_INLINE float ck_log1p_unit_scalar(float e) {
    float s = e / (2.0f + e);
    float w = s * s;
    float r = 0.1401223f;
    r = r * w + 0.1399957f;
    r = r * w + 0.2001085f;
    r = r * w + 0.33333207f;
    float twoS = 2.0f * s;
    return twoS + twoS * w * r;
}

// MARK: The three levels

#define CK_SUFFIX baseline
#define CK_TARGET
#define CK_WIDTH 4
#include "KernelBodies.h"
#undef CK_SUFFIX
#undef CK_TARGET
#undef CK_WIDTH

#if defined(__x86_64__)
#define CK_HAS_X86 1

#define CK_SUFFIX avx2
#define CK_TARGET __attribute__((target("avx2,fma")))
#define CK_WIDTH 8
#include "KernelBodies.h"
#undef CK_SUFFIX
#undef CK_TARGET
#undef CK_WIDTH

#define CK_SUFFIX avx512
#define CK_TARGET __attribute__((target("avx512f,avx512dq")))
#define CK_WIDTH 16
#include "KernelBodies.h"
#undef CK_SUFFIX
#undef CK_TARGET
#undef CK_WIDTH

#include <cpuid.h>

/// XCR0 (the register states the operating system saves), read by XGETBV.
static uint64_t ck_xcr0(void) {
    uint32_t low, high;
    __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    return ((uint64_t)high << 32) | low;
}

int ck_supported_level(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return CK_LEVEL_BASELINE;
    int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1;
    if (!osxsave || !avx) return CK_LEVEL_BASELINE;
    uint64_t xcr0 = ck_xcr0();
    if ((xcr0 & 0x6) != 0x6) return CK_LEVEL_BASELINE;  // SSE and AVX state
    if (__get_cpuid_max(0, 0) < 7) return CK_LEVEL_BASELINE;
    __cpuid_count(7, 0, a, b, c, d);
    int avx2 = (b >> 5) & 1, avx512f = (b >> 16) & 1, avx512dq = (b >> 17) & 1;
    if (!avx2 || !fma) return CK_LEVEL_BASELINE;
    if (avx512f && avx512dq && (xcr0 & 0xE6) == 0xE6) return CK_LEVEL_AVX512;  // opmask, ZMM state
    return CK_LEVEL_AVX2;
}
#else
#define CK_HAS_X86 0
int ck_supported_level(void) { return CK_LEVEL_BASELINE; }
#endif

// MARK: Dispatch (one switch per call; the caller splits large arrays into chunks)

#if CK_HAS_X86
#define CK_DISPATCH(name, ...)                                            \
    switch (level) {                                                      \
    case CK_LEVEL_AVX512: name##_avx512(__VA_ARGS__); break;              \
    case CK_LEVEL_AVX2: name##_avx2(__VA_ARGS__); break;                  \
    default: name##_baseline(__VA_ARGS__); break;                         \
    }
#else
#define CK_DISPATCH(name, ...) { (void)level; name##_baseline(__VA_ARGS__); }
#endif

void ck_tanh_f32(int level, const float *x, float *y, long count) { CK_DISPATCH(tanh, x, y, count) }

void ck_logistic_f32(int level, const float *x, float *y, long count) { CK_DISPATCH(logistic, x, y, count) }

void ck_tanh_derivative_column_sums_f32(int level, const float *y, float *delta, long rows, long columns, float *sums) {
    CK_DISPATCH(tanh_derivative_column_sums, y, delta, rows, columns, sums)
}

void ck_bernoulli_f32(int level, const float *z, const float *t, long count, float alpha, float *terms, float *gradients) {
    CK_DISPATCH(bernoulli, z, t, count, alpha, terms, gradients)
}
