using System;
using PipelineGen.Spec;

namespace PipelineGen.Generator;

/// <summary>
/// A list-valued step of the generator's pipeline, as a class. Roslyn's incremental machinery (node tables, their
/// builders, the transform and combine nodes) is generic over each step's value type, and the compiler's ReadyToRun image
/// can only hold those instantiations for reference types (shared code): every struct value — an
/// <see cref="EquatableArray{T}"/>, a tuple holding one, a bool — made a fresh compiler process JIT-compile a private copy
/// of that machinery first, ~1,500 methods in all (docs/benchmarks.md §1). Value equality as the array's, so caching is
/// unchanged.
/// </summary>
internal sealed class StepValues<T> : IEquatable<StepValues<T>> where T : IEquatable<T>
{
    public StepValues(EquatableArray<T> items) => Items = items;

    public EquatableArray<T> Items { get; }

    public bool Equals(StepValues<T>? other) => other is not null && Items.Equals(other.Items);
    public override bool Equals(object? obj) => Equals(obj as StepValues<T>);
    public override int GetHashCode() => Items.GetHashCode();
}
