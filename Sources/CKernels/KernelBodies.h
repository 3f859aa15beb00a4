// The kernels of one instruction-set level: included by CKernels.c once per level, with
// CK_SUFFIX (name suffix), CK_TARGET (a function attribute) and CK_WIDTH (floats per vector).

#define CK_CAT2(a, b) a##_##b
#define CK_CAT(a, b) CK_CAT2(a, b)
#define CK_NAME(name) CK_CAT(name, CK_SUFFIX)
#define CK_STR2(x) #x
#define CK_STR(x) CK_STR2(x)
#define CK_VECTORIZE _Pragma(CK_STR(clang loop vectorize(enable) vectorize_width(CK_WIDTH) interleave_count(2)))

CK_TARGET static void CK_NAME(tanh)(const float *restrict x, float *restrict y, long count) {
    CK_VECTORIZE
    for (long i = 0; i < count; i++) y[i] = ck_tanh_scalar(x[i]);
}

CK_TARGET static void CK_NAME(logistic)(const float *restrict x, float *restrict y, long count) {
    CK_VECTORIZE
    for (long i = 0; i < count; i++) y[i] = ck_logistic_scalar(x[i]);
}

CK_TARGET static void CK_NAME(tanh_derivative_column_sums)(
    const float *restrict y, float *restrict delta, long rows, long columns, float *restrict sums) {
    for (long i = 0; i < rows; i++) {
        const float *restrict yRow = y + i * columns;
        float *restrict dRow = delta + i * columns;
        CK_VECTORIZE
        for (long j = 0; j < columns; j++) {
            float value = (1.0f - yRow[j] * yRow[j]) * dRow[j];
            dRow[j] = value;
            sums[j] += value;
        }
    }
}

CK_TARGET static void CK_NAME(bernoulli)(
    const float *restrict z, const float *restrict t, long count, float alpha, float *restrict terms, float *restrict gradients) {
    if (gradients) {
        CK_VECTORIZE
        for (long i = 0; i < count; i++) {
            float logit = z[i], target = t[i];
            float e = ck_exp_scalar(-ck_abs(logit));
            terms[i] = ((logit > 0.0f ? logit : 0.0f) + ck_log1p_unit_scalar(e)) - target * logit;
            float numerator = logit < 0.0f ? e : 1.0f;
            gradients[i] = alpha * (numerator / (1.0f + e) - target);
        }
    } else {
        CK_VECTORIZE
        for (long i = 0; i < count; i++) {
            float logit = z[i], target = t[i];
            float e = ck_exp_scalar(-ck_abs(logit));
            terms[i] = ((logit > 0.0f ? logit : 0.0f) + ck_log1p_unit_scalar(e)) - target * logit;
        }
    }
}

#undef CK_VECTORIZE
