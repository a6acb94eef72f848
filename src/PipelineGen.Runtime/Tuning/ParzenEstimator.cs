using MathNet.Numerics;

namespace PipelineGen.Runtime.Tuning;

/// <summary>
/// A one-dimensional mixture of Gaussians truncated to [low, high]: one component per observation plus a prior
/// component (centre of the domain, width of the domain), equal weights. Each observation's bandwidth is the larger
/// distance to its sorted neighbours (the prior's centre included), clipped to [(high−low)/min(100, n+1), high−low].
/// </summary>
internal sealed class ParzenEstimator
{
    private readonly double[] _mu, _sigma, _logMass;
    private readonly double _low, _high;

    private ParzenEstimator(double[] mu, double[] sigma, double low, double high)
    {
        _mu = mu; _sigma = sigma; _low = low; _high = high;
        _logMass = mu.Select((m, i) => Math.Log(Math.Max(Phi((high - m) / sigma[i]) - Phi((low - m) / sigma[i]), 1e-300))).ToArray();
    }

    public IReadOnlyList<double> Means => _mu;
    public IReadOnlyList<double> Bandwidths => _sigma;

    public static ParzenEstimator Fit(double[] observations, double low, double high)
    {
        double range = high - low;
        double prior = (low + high) / 2;
        var mus = observations.Append(prior).ToArray();
        int priorIndex = mus.Length - 1;
        var order = Enumerable.Range(0, mus.Length).OrderBy(i => mus[i]).ThenBy(i => i).ToArray();
        var sigma = new double[mus.Length];
        double minSigma = range / Math.Min(100.0, mus.Length);
        for (int r = 0; r < order.Length; r++)
        {
            int i = order[r];
            double left = r > 0 ? mus[i] - mus[order[r - 1]] : mus[i] - low;
            double right = r < order.Length - 1 ? mus[order[r + 1]] - mus[i] : high - mus[i];
            sigma[i] = Math.Clamp(Math.Max(left, right), minSigma, range);
        }
        sigma[priorIndex] = range;
        return new ParzenEstimator(mus, sigma, low, high);
    }

    public double LogDensity(double x)
    {
        if (x < _low || x > _high) return double.NegativeInfinity;
        // log( (1/K) Σ N(x; μ, σ) / mass ), computed with log-sum-exp.
        var terms = new double[_mu.Length];
        for (int i = 0; i < _mu.Length; i++)
        {
            double z = (x - _mu[i]) / _sigma[i];
            terms[i] = -0.5 * z * z - Math.Log(_sigma[i]) - 0.5 * Math.Log(2 * Math.PI) - _logMass[i];
        }
        double max = terms.Max();
        return max + Math.Log(terms.Sum(t => Math.Exp(t - max))) - Math.Log(_mu.Length);
    }

    public double Sample(Random rng)
    {
        int k = rng.Next(_mu.Length);
        // Rejection from the untruncated Gaussian; the mass inside is at least ~0.3 because μ lies in the domain and σ ≤ its width.
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            double x = _mu[k] + _sigma[k] * Gaussian(rng);
            if (x >= _low && x <= _high) return x;
        }
        return Math.Clamp(_mu[k], _low, _high);
    }

    private static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static double Phi(double z) => 0.5 * SpecialFunctions.Erfc(-z / Math.Sqrt(2));
}
