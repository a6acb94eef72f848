using System;
using PipelineGen.Spec.Binding;

namespace PipelineGen.Generator.Emit;

// The bound model (PipelineGen.Spec) spells kinds, roles and policies as the spec does; the emitter turns each into an
// enum once, here, so every part switches over a closed set (a new spelling fails loudly instead of falling through).

internal enum ColumnKind { Numeric, Categorical, Text, Boolean, DateTime }

internal enum ColumnRole { Feature, Label, Id, Ignore, Group }

internal enum Imputation { Mean, Median, Model }

internal enum EvaluationProtocol { Holdout, KFold, RepeatedKFold }

internal enum DuplicatePolicy { Group, Drop, Keep }

internal enum GateKind { Min, Max, MinImprovement }

internal enum CategoricalEncoding { OneHot, Hash }

internal enum Normalization { None, MinMax, ZScore }

internal static class EmitModel
{
    public static ColumnKind Kind(this BoundColumn c) => c.Kind switch
    {
        "numeric" => ColumnKind.Numeric,
        "categorical" => ColumnKind.Categorical,
        "text" => ColumnKind.Text,
        "boolean" => ColumnKind.Boolean,
        "datetime" => ColumnKind.DateTime,
        _ => throw Unknown("column kind", c.Kind),
    };

    public static ColumnRole Role(this BoundColumn c) => c.Role switch
    {
        "feature" => ColumnRole.Feature,
        "label" => ColumnRole.Label,
        "id" => ColumnRole.Id,
        "ignore" => ColumnRole.Ignore,
        "group" => ColumnRole.Group,
        _ => throw Unknown("column role", c.Role),
    };

    public static Imputation Imputation(this BoundColumn c) => c.Missing switch
    {
        "median" => Emit.Imputation.Median,
        "model" => Emit.Imputation.Model,
        _ => Emit.Imputation.Mean, // mean, category (not numeric) or nothing to fill: every numeric feature is imputed
    };

    public static EvaluationProtocol Protocol(this BoundEvaluation e) => e.Protocol switch
    {
        "holdout" => EvaluationProtocol.Holdout,
        "repeated_kfold" => EvaluationProtocol.RepeatedKFold,
        "kfold" => EvaluationProtocol.KFold,
        _ => throw Unknown("evaluation protocol", e.Protocol),
    };

    public static DuplicatePolicy Duplicates(this BoundEvaluation e) => e.Duplicates switch
    {
        "group" => DuplicatePolicy.Group,
        "drop" => DuplicatePolicy.Drop,
        "keep" => DuplicatePolicy.Keep,
        _ => throw Unknown("duplicates policy", e.Duplicates),
    };

    public static GateKind Kind(this BoundGate g) => g.Kind switch
    {
        "min" => GateKind.Min,
        "max" => GateKind.Max,
        _ => GateKind.MinImprovement,
    };

    public static CategoricalEncoding Encoding(this BoundPreparation p) =>
        p.CategoricalEncoding == "hash" ? CategoricalEncoding.Hash : CategoricalEncoding.OneHot;

    public static Normalization Normalization(this BoundPreparation p) => p.Normalize switch
    {
        "minmax" => Emit.Normalization.MinMax,
        "zscore" => Emit.Normalization.ZScore,
        _ => Emit.Normalization.None,
    };

    private static Exception Unknown(string what, string? value) =>
        new InvalidOperationException($"The bound model has an unknown {what} '{value}' (binder and emitter disagree).");
}
