using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using BenchmarkDotNet.Running;
using PipelineGen.Benchmarks;

// Modes (see bench/README.md):
//   bdn [BenchmarkDotNet args]          BenchmarkDotNet (GeneratorBenchmarks, TrainingBenchmarks)
//   interleave-generator [rounds]       interleaved A/B of the compiler with vs without the generator
//   interleave-training [rounds]        interleaved A/B of fit+evaluate, generated vs hand-written; checks metrics are identical
//   show <case>                         print a case's generated source
//   prepare-memory | synth <factor> <out.csv> | cli <PipelineApp args>   the memory runs (bench/memory-bench.sh)
var mode = args.Length > 0 ? args[0] : "";
var rest = args.Skip(1).ToArray();
int Rounds(int fallback) => rest.Length > 0 && int.TryParse(rest[0], out var r) ? r : fallback;
switch (mode)
{
    case "bdn":
        BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(rest);
        return 0;
    case "interleave-generator":
    {
        var w = new GeneratorWorkload();
        w.SetUpWarm();
        Console.WriteLine($"User code: {UserCode.Files.Length} files, {w.UserLines} lines. Spec: {BenchCases.GeneratorCase.Name} (titanic schema, text + median + indicators).");
        Console.WriteLine();
        Interleaved.Run("Compiler: no generator (baseline) vs with generator", "no generator", "with generator", new[]
        {
            new Interleaved.Pair("cold (new compilation, new driver)", () => w.ColdWithoutGenerator(), () => w.ColdWithGenerator()),
            new Interleaved.Pair("cold, baseline = the generated code as a hand-written file", () => w.ColdWithGeneratedCodeAsFile(), () => w.ColdWithGenerator()),
            new Interleaved.Pair("warm: unrelated code edit (same driver)", () => w.WarmCodeEditWithoutGenerator(), () => w.WarmCodeEditWithGenerator()),
            new Interleaved.Pair("warm: YAML comment edit (same driver)", () => w.YamlCommentEditWithoutGenerator(), () => w.YamlCommentEditWithGenerator()),
        }, Rounds(15), 3, Console.Out);
        return 0;
    }
    case "interleave-training":
    {
        var pairs = new List<Interleaved.Pair>();
        foreach (var c in BenchCases.Training)
        {
            var generated = TrainingWorkload.Generated(c);
            var hand = TrainingWorkload.HandWritten(c);
            var (g, h) = (generated.Run(), hand.Run());
            Console.WriteLine($"{c.Name}: metrics {(g == h ? "IDENTICAL" : "DIFFER")}  generated: {g}" + (g == h ? "" : $"  hand-written: {h}"));
            pairs.Add(new Interleaved.Pair(c.Name, () => hand.Run(), () => generated.Run()));
        }
        Console.WriteLine();
        Interleaved.Run("Fit + evaluate: hand-written ML.NET (baseline) vs generated", "hand-written", "generated", pairs, Rounds(7), 1, Console.Out);
        return 0;
    }
    case "determinism":
    {
        // Each side run three times: separates run-to-run nondeterminism from a real difference between the two chains.
        var c = BenchCases.Find(rest[0]);
        var generated = TrainingWorkload.Generated(c);
        var hand = TrainingWorkload.HandWritten(c);
        for (var i = 0; i < 3; i++) Console.WriteLine($"generated    {generated.Run()}");
        for (var i = 0; i < 3; i++) Console.WriteLine($"hand-written {hand.Run()}");
        {
            // Are the features themselves the same? Fit each side's preprocessing (generated: BuildPreprocessing; hand: its
            // chain without the trainer) on the same rows and compare the Features vectors value by value.
            var (g, _) = BenchCases.LoadGenerated(c);
            float[][] Features(Func<MLContext, IEstimator<ITransformer>> prep)
            {
                var ml = new MLContext(seed: TrainingWorkload.Seed);
                var data = g.LoadData(ml, BenchCases.DataPath(c.DataSet));
                var features = prep(ml).Fit(data).Transform(data);
                return features.GetColumn<Microsoft.ML.Data.VBuffer<float>>("Features").Select(v => v.DenseValues().ToArray()).ToArray();
            }
            var handPrep = (Func<MLContext, IEstimator<ITransformer>>)(ml =>
            {
                var chain = HandWrittenPipelines.Build(c.Name, ml);
                var estimators = (IEstimator<ITransformer>[])chain.GetType().GetField("_estimators", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(chain)!;
                IEstimator<ITransformer> prep = estimators[0];
                foreach (var e in estimators.Skip(1).SkipLast(1)) prep = prep.Append(e);
                return prep;
            });
            var fg = Features(g.BuildPreprocessing);
            var fh = Features(handPrep);
            var differing = fg.Zip(fh).Count(p => !p.First.SequenceEqual(p.Second));
            Console.WriteLine($"features: {fg.Length} rows x {fg[0].Length} generated, {fh.Length} x {fh[0].Length} hand-written; rows that differ: {differing}");
        }
        if (c.Name == "TitanicSdca")
        {
            var (g, _) = BenchCases.LoadGenerated(c);
            Microsoft.ML.IEstimator<Microsoft.ML.ITransformer> HandTrainer(Microsoft.ML.MLContext ml) => ml.BinaryClassification.Trainers.SdcaLogisticRegression(
                new Microsoft.ML.Trainers.SdcaLogisticRegressionBinaryTrainer.Options { MaximumNumberOfIterations = 50, NumberOfThreads = 1 });
            Console.WriteLine($"gen load + hand chain      {TrainingWorkload.Mixed(c, g.LoadData, ml => HandWrittenPipelines.Build(c.Name, ml)).Run()}");
            Console.WriteLine($"gen prep + hand trainer    {TrainingWorkload.Mixed(c, g.LoadData, ml => g.BuildPreprocessing(ml).Append(HandTrainer(ml))).Run()}");
            // The generator's style: a variable typed IEstimator<ITransformer>, reassigned on each Append (nests the chains).
            IEstimator<ITransformer> NestedStyle(MLContext ml)
            {
                IEstimator<ITransformer> p = ml.Transforms.Conversion.MapValue("Label", new[] { new KeyValuePair<float, bool>(0f, false), new KeyValuePair<float, bool>(1f, true) }, "survived");
                var flat = HandWrittenPipelines.TitanicFeatures(ml, true);
                foreach (var e in flat.GetType().GetField("_estimators", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(flat) is IEstimator<ITransformer>[] all ? all.Skip(1) : throw new InvalidOperationException())
                    p = p.Append(e);
                return p.Append(HandTrainer(ml));
            }
            Console.WriteLine($"hand, nested Append style  {TrainingWorkload.Mixed(c, g.LoadData, NestedStyle).Run()}");
            Console.WriteLine($"hand prep + gen trainer    {TrainingWorkload.Mixed(c, g.LoadData, ml => HandWrittenPipelines.TitanicFeatures(ml, true).Append(g.BuildTrainer(ml))).Run()}");
        }
        return 0;
    }
    case "first-run-generator":
    {
        // Run in a fresh process each time (bench/generator-first-run.sh): a generator's first run in a compiler process
        // pays assembly loading and JIT, as a build without a warm compiler server does. Roslyn's compile path is warmed
        // first, then a trivial control generator (pays Roslyn's generator-driver JIT), then PipelineGen's first and
        // second runs: PipelineGen's own cold share is its first run after the control. Wall and process CPU (ms).
        var w = new GeneratorWorkload();
        var self = System.Diagnostics.Process.GetCurrentProcess();
        (double Wall, double Cpu) Time(Action a)
        {
            self.Refresh();
            var cpu0 = self.TotalProcessorTime;
            var t = System.Diagnostics.Stopwatch.StartNew();
            a();
            self.Refresh();
            return (t.Elapsed.TotalMilliseconds, (self.TotalProcessorTime - cpu0).TotalMilliseconds);
        }
        var roslyn = Time(() => w.ColdWithoutGenerator());
        w.ColdWithoutGenerator();
        var control = Time(w.ControlGeneratorOnly);
        var first = Time(w.SetUpWarm); // PipelineGen: new driver over a new compilation (no emit)
        var second = Time(() => w.ColdGeneratorOnly());
        Console.WriteLine(FormattableString.Invariant(
            $"roslyn_first_emit_wall={roslyn.Wall:F1} control_first_wall={control.Wall:F1} control_first_cpu={control.Cpu:F1} pipelinegen_first_wall={first.Wall:F1} pipelinegen_first_cpu={first.Cpu:F1} pipelinegen_second_wall={second.Wall:F1} pipelinegen_second_cpu={second.Cpu:F1}"));
        return 0;
    }
    case "alloc":
    {
        // Bytes allocated per fit+evaluate (deterministic, unlike time): generated vs hand-written fluent vs
        // hand-written in the generator's statement style (TitanicLightGbm only).
        var c = BenchCases.Find("TitanicLightGbm");
        var variants = new (string Name, TrainingWorkload Work)[]
        {
            ("generated", TrainingWorkload.Generated(c)),
            ("hand-written, fluent", TrainingWorkload.HandWritten(c)),
            ("hand-written, statement style", TrainingWorkload.Mixed(c, (ml, path) => HandWrittenPipelines.Load(c.Name, ml, path), HandWrittenPipelines.TitanicLightGbmStatementStyle)),
        };
        foreach (var (name, work) in variants) work.Run();
        for (var round = 0; round < 3; round++)
            foreach (var (name, work) in variants)
            {
                var before = GC.GetTotalAllocatedBytes(precise: true);
                var metrics = work.Run();
                Console.WriteLine(FormattableString.Invariant($"{name,-30} {(GC.GetTotalAllocatedBytes(precise: true) - before) / 1048576.0,8:F2} MB  {metrics}"));
            }
        return 0;
    }
    case "show":
        Console.WriteLine(BenchCases.LoadGenerated(BenchCases.Find(rest[0])).Source);
        return 0;
    case "prepare-memory":
        return MemoryDriver.Prepare();
    case "synth":
        return MemoryDriver.Synthesize(int.Parse(rest[0]), rest[1]);
    case "cli":
        return MemoryDriver.RunCli(rest);
    default:
        Console.Error.WriteLine("usage: PipelineGen.Benchmarks bdn|interleave-generator|interleave-training|show|prepare-memory|synth|cli ... (see bench/README.md)");
        return 2;
}
