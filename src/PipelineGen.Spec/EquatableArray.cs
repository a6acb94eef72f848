using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace PipelineGen.Spec;

/// <summary>
/// An immutable array with value equality, so records that hold collections stay equatable
/// (the generator's incremental cache compares models with Equals). Elements must be equatable themselves
/// (<c>IEquatable&lt;T&gt;</c>): an element compared by reference would make every run look changed to the cache.
/// </summary>
public readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T>
    where T : IEquatable<T>
{
    public static readonly EquatableArray<T> Empty = new(Array.Empty<T>());
    private readonly T[]? _items;

    public EquatableArray(T[] items) => _items = items;
    public EquatableArray(IEnumerable<T> items) => _items = items.ToArray();

    private T[] Items => _items ?? Array.Empty<T>();
    public int Count => Items.Length;
    public T this[int index] => Items[index];
    public bool IsEmpty => Count == 0;

    public bool Equals(EquatableArray<T> other) =>
        Items.SequenceEqual(other.Items, EqualityComparer<T>.Default);

    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = 17;
        foreach (var item in Items) hash = unchecked(hash * 31 + (item is null ? 0 : EqualityComparer<T>.Default.GetHashCode(item)));
        return hash;
    }

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)Items).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => Items.GetEnumerator();

    public static bool operator ==(EquatableArray<T> left, EquatableArray<T> right) => left.Equals(right);
    public static bool operator !=(EquatableArray<T> left, EquatableArray<T> right) => !left.Equals(right);
}

public static class EquatableArray
{
    public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> items) where T : IEquatable<T> => new(items);
}
