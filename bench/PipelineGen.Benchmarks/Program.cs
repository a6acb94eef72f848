using System.Reflection;
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
