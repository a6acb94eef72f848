namespace PipelineGen.Serving;

/// <summary>
/// A uniform sample of at most <c>capacity</c> values out of every value offered, in bounded memory (reservoir sampling,
/// Li's Algorithm L). Unlike Algorithm R, which draws a random number for every value once the reservoir is full, it
/// draws how many values to skip before the next replacement, so a value that is not kept costs one comparison: drift
/// statistics are recorded on every served row, and that draw was most of their cost. Seeded: the same values give
/// the same sample.
/// </summary>
internal sealed class ReservoirSample(int capacity, int seed = 42)
{
    private readonly List<double> _values = new(Math.Min(capacity, 256));
    private readonly Random _random = new(seed);
    private long _offered;
    private long _nextKept;
    private double _w;

    public IReadOnlyList<double> Values => _values;

    public void Add(double value)
    {
        _offered++;
        if (_values.Count < capacity)
        {
            _values.Add(value);
            if (_values.Count == capacity)
            {
                _w = Math.Exp(Math.Log(Uniform()) / capacity);
                Skip();
            }
            return;
        }
        if (_offered != _nextKept) return;
        _values[_random.Next(capacity)] = value;
        _w *= Math.Exp(Math.Log(Uniform()) / capacity);
        Skip();
    }

    // (0, 1]: the logarithm stays finite.
    private double Uniform() => 1.0 - _random.NextDouble();

    private void Skip()
    {
        double skip = Math.Floor(Math.Log(Uniform()) / Math.Log(1 - _w));
        // A NaN or huge skip (w ~ 0 after ~1e15 values) means "keep nothing more for a very long time".
        _nextKept = _offered + 1 + (double.IsNaN(skip) || skip > 1e15 ? (long)1e15 : (long)skip);
    }
}
