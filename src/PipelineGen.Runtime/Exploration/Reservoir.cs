using MathNet.Numerics.Statistics;

namespace PipelineGen.Runtime.Exploration;

/// <summary>Uniform fixed-size sample of a stream (Algorithm R), seeded so reports are reproducible.</summary>
internal sealed class Reservoir<T>
{
    private readonly List<T> _items;
    private readonly int _capacity;
    private readonly Random _random;
    public long Seen { get; private set; }

    public Reservoir(int capacity, int seed)
    {
        _capacity = Math.Max(1, capacity);
        _items = new List<T>(Math.Min(_capacity, 1024));
        _random = new Random(seed);
    }

    public IReadOnlyList<T> Items => _items;
    /// <summary>Every item offered is in the sample.</summary>
    public bool IsComplete => Seen <= _capacity;

    public void Offer(T item)
    {
        Seen++;
        if (_items.Count < _capacity) { _items.Add(item); return; }
        var j = _random.NextInt64(Seen);
        if (j < _capacity) _items[(int)j] = item;
    }
}
