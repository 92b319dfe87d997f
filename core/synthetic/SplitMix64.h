#pragma once

#include <QtGlobal>

#include <cmath>

namespace patchead {

// The SplitMix64 generator with the constants of Sebastiano Vigna's
// public-domain splitmix64.c (prng.di.unimi.it). The standard library's
// distributions are avoided on purpose: their output may differ between
// library versions, and the sample lot must be the same bytes for the same
// seed. Every sampling rule is written out below.
class SplitMix64 {
public:
    explicit SplitMix64(quint64 seed) : mState(seed) {}

    quint64 next()
    {
        mState += 0x9E3779B97F4A7C15ull;
        quint64 z = mState;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

    // Uniform in [0, 1): the top 53 bits of next() scaled by 2^-53.
    double uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }

    // Uniform in [low, high).
    double uniform(double low, double high) { return low + (high - low) * uniform(); }

    // Uniform integer in [0, count) by multiply-and-shift of the top 32 bits.
    // The bias is below count / 2^32.
    int below(int count) { return int(((next() >> 32) * quint64(count)) >> 32); }

    // Standard normal by the Box-Muller transform. Each transform gives two
    // values; the second is kept for the next call.
    double normal()
    {
        if (mHasSpareNormal) {
            mHasSpareNormal = false;
            return mSpareNormal;
        }
        const double u1 = 1.0 - uniform(); // (0, 1], so the logarithm is finite
        const double u2 = uniform();
        const double radius = std::sqrt(-2.0 * std::log(u1));
        mSpareNormal = radius * std::sin(2.0 * M_PI * u2);
        mHasSpareNormal = true;
        return radius * std::cos(2.0 * M_PI * u2);
    }

    // Derives the seed of an independent stream, so that a part's
    // randomness depends only on (seed, stream, index) and not on how many
    // other parts were drawn before it.
    static quint64 derive(quint64 seed, quint64 stream)
    {
        SplitMix64 mixer(seed ^ (stream * 0xD1B54A32D192ED03ull));
        mixer.next();
        return mixer.next();
    }

private:
    quint64 mState;
    double mSpareNormal = 0.0;
    bool mHasSpareNormal = false;
};

} // namespace patchead
