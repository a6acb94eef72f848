using System.Text.Json;
using Microsoft.ML;
using PipelineGen.Serving;
using PipelineGen.Serving.Tests;

/// <summary>
/// <c>PipelineGen.ServingBench --stages</c>: where a 100-row batch request's CPU goes in the generated route (parse,
/// bind and check, predict, drift, write the response) beside the hand-written route's (bind with System.Text.Json,
/// predict, write), in one process with no HTTP, so the stages can be compared without a load generator. Rounds
/// interleave the stages; the figure is the median over rounds of the measuring thread's CPU microseconds per 100-row
/// batch (CLOCK_THREAD_CPUTIME_ID: time the thread waits for a core on a loaded machine is not counted).
/// </summary>
static partial class Stages
{
    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);
    private struct TimeSpec { public long Seconds, Nanoseconds; }
    private static double ThreadCpuMicroseconds() => ClockGetTime(3 /* CLOCK_THREAD_CPUTIME_ID */, out var t) == 0 ? t.Seconds * 1e6 + t.Nanoseconds / 1e3 : double.NaN;

    public static void Run(ModelHost<TitanicRow, TitanicScore> host, MLContext ml, ITransformer model, int rounds = 7, int iterations = 400)
    {
        const string row = """{"pclass": 3, "sex": "male", "age": 22, "sibsp": 1, "parch": 0, "fare": 7.25, "embarked": "S"}""";
        var body = System.Text.Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat(row, 100)) + "]");
        var served = host.Current;
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var engine = ml.Model.CreatePredictionEngine<TitanicRow, TitanicScore>(model);
        var bound = new List<TitanicRow>();
        var predictions = new TitanicScore[100];
        var warnings = new List<string>();
        var stages = new (string Name, Action Body)[]
        {
            ("generated: parse (JsonDocument)", () => { using var d = JsonDocument.Parse(body); }),
            ("generated: parse + bind + check", () =>
            {
                using var d = JsonDocument.Parse(body);
                var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
                warnings.Clear(); bound.Clear();
                int i = 0;
                // The string-path overload (it exists in the code before and after the binder change, so both are measured
                // alike); the endpoint's int overload does not even build "rows[i]", so the real route is a little cheaper.
                foreach (var e in d.RootElement.EnumerateArray()) bound.Add(served.Binder.Bind(e, $"rows[{i++}]", errors, warnings)!);
            }),
            ("predict (pooled engine, 100 rows)", () =>
            {
                var en = served.Engines.Get();
                try { for (int i = 0; i < bound.Count; i++) predictions[i] = en.Predict(bound[i]); }
                finally { served.Engines.Return(en); }
            }),
            ("generated: drift observe", () => served.Drift.Observe(bound)),
            ("generated: write response", () => JsonSerializer.SerializeToUtf8Bytes(new BatchPredictionResponse<TitanicScore> { Predictions = predictions, Warnings = warnings, ModelVersion = served.Version }, PipelineEndpoints.ResponseJson)),
            ("hand: bind (JsonSerializer TitanicRow[])", () => JsonSerializer.Deserialize<TitanicRow[]>(body, web)),
            ("hand: write response", () => JsonSerializer.SerializeToUtf8Bytes(predictions, web)),
        };
        foreach (var s in stages) for (int i = 0; i < 200; i++) s.Body(); // warm-up and tiering
        var results = stages.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r < rounds; r++)
            for (int k = 0; k < stages.Length; k++)
            {
                var started = ThreadCpuMicroseconds();
                for (int i = 0; i < iterations; i++) stages[k].Body();
                results[k].Add((ThreadCpuMicroseconds() - started) / iterations);
            }
        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine($"{"stage (per 100-row batch)",-44} {"CPU us median",10} {"min",8} {"max",8}");
        for (int k = 0; k < stages.Length; k++)
        {
            var v = results[k].Order().ToArray();
            Console.WriteLine($"{stages[k].Name,-44} {v[v.Length / 2],10:F1} {v[0],8:F1} {v[^1],8:F1}");
        }
    }
}
