using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;

namespace PipelineGen.Runtime.Prediction;

/// <summary>
/// Prediction engines pooled per model, so the generated <c>Pipeline.Predict(ml, model, input)</c> is the fast way to score
/// one row: building a <see cref="PredictionEngine{TSrc,TDst}"/> costs milliseconds (it compiles the model's row mapper),
/// scoring with one costs microseconds. An engine is not thread-safe, so each call takes one from an
/// <see cref="ObjectPool{T}"/> and gives it back; concurrent callers get different engines.
/// </summary>
/// <remarks>
/// Pools hang off the model in a <see cref="ConditionalWeakTable{TKey,TValue}"/>: they live exactly as long as the model
/// object, and a model that is no longer referenced takes its engines with it. The engine is built with the context of
/// the first call for that model (an engine only uses the context for its environment; scoring does not depend on it).
/// </remarks>
public static class PooledPredictionEngines
{
    private static readonly ConditionalWeakTable<ITransformer, ModelPools> PoolsByModel = new();

    /// <summary>How many engines have been built for <paramref name="model"/> (tests and diagnostics: one per concurrent caller, not one per call).</summary>
    public static long EnginesCreated(ITransformer model) =>
        PoolsByModel.TryGetValue(model, out var pools) ? Interlocked.Read(ref pools.Created) : 0;

    /// <summary>Scores one row with a pooled engine of <paramref name="model"/>.</summary>
    public static TOut Predict<TIn, TOut>(MLContext mlContext, ITransformer model, TIn input)
        where TIn : class
        where TOut : class, new()
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(model);
        var pool = Pool<TIn, TOut>(mlContext, model);
        var engine = pool.Get();
        try { return engine.Predict(input); } // Predict(input) returns a new object: nothing of the engine escapes
        finally { pool.Return(engine); }
    }

    private static ObjectPool<PredictionEngine<TIn, TOut>> Pool<TIn, TOut>(MLContext mlContext, ITransformer model)
        where TIn : class
        where TOut : class, new()
    {
        var pools = PoolsByModel.GetValue(model, static _ => new ModelPools());
        return (ObjectPool<PredictionEngine<TIn, TOut>>)pools.ByType.GetOrAdd((typeof(TIn), typeof(TOut)),
            static (_, state) => new DefaultObjectPool<PredictionEngine<TIn, TOut>>(new EnginePolicy<TIn, TOut>(state.mlContext, state.model, state.pools),
                // Idle engines kept: enough for every core to score at once; more are built on demand and dropped on return.
                maximumRetained: Math.Max(2, Environment.ProcessorCount * 2)),
            (mlContext, model, pools));
    }

    private sealed class ModelPools
    {
        public readonly ConcurrentDictionary<(Type, Type), object> ByType = new();
        public long Created;
    }

    private sealed class EnginePolicy<TIn, TOut>(MLContext mlContext, ITransformer model, ModelPools pools) : PooledObjectPolicy<PredictionEngine<TIn, TOut>>
        where TIn : class
        where TOut : class, new()
    {
        public override PredictionEngine<TIn, TOut> Create()
        {
            Interlocked.Increment(ref pools.Created);
            return mlContext.Model.CreatePredictionEngine<TIn, TOut>(model);
        }

        public override bool Return(PredictionEngine<TIn, TOut> engine) => true;
    }
}
