using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using PipelineGen.Runtime.Training;
using PipelineGen.Serving;
using PipelineGen.Serving.Tests;

// Usage: PipelineGen.ServingBench <port>. Trains the test model into a temp folder, then serves on 127.0.0.1:<port>:
//   POST /predict, /predict/batch   the generated endpoints (PipelineEndpoints, as Map<Name>Endpoints calls them)
//   POST /hand/predict, /hand/batch a hand-written minimal API: ASP.NET binds the row, a pooled PredictionEngine predicts
//   POST /echo                      parses the JSON body and writes it back (no model)
//   PipelineGen.ServingBench --stages   no server: CPU per stage of a 100-row batch (see Stages.cs)
var stagesOnly = args.Length > 0 && args[0] == "--stages";
var port = args.Length > 0 && !stagesOnly ? int.Parse(args[0]) : 5099;
var project = TitanicServingPipeline.NewProjectDirectory();
var pipeline = new TitanicServingPipeline(project);
TrainStep.Train(new MLContext(seed: 1), pipeline);

var app = PipelineServer.Build<TitanicRow, TitanicScore>(pipeline, new ServingOptions { Port = port, ReloadInterval = TimeSpan.Zero });

var ml = new MLContext(seed: 1);
var model = ModelStore.Load(ml, ModelStore.DefaultModelPath(pipeline.Settings), out _);
if (stagesOnly)
{
    var host = new ModelHost<TitanicRow, TitanicScore>(pipeline, new ServingOptions { ReloadInterval = TimeSpan.Zero });
    host.Start();
    Stages.Run(host, ml, model);
    return;
}
var pool = new DefaultObjectPool<PredictionEngine<TitanicRow, TitanicScore>>(new EnginePolicy(ml, model), Environment.ProcessorCount * 2);
app.MapPost("/hand/predict", (TitanicRow row) =>
{
    var engine = pool.Get();
    try { return Results.Ok(engine.Predict(row)); }
    finally { pool.Return(engine); }
});
app.MapPost("/hand/batch", (TitanicRow[] rows) =>
{
    var engine = pool.Get();
    try { return Results.Ok(rows.Select(engine.Predict).ToArray()); }
    finally { pool.Return(engine); }
});
app.MapPost("/echo", (JsonElement body) => Results.Json(body));

Console.WriteLine($"bench server on http://127.0.0.1:{port} (project {project})");
app.Run();

sealed class EnginePolicy(MLContext ml, ITransformer model) : IPooledObjectPolicy<PredictionEngine<TitanicRow, TitanicScore>>
{
    public PredictionEngine<TitanicRow, TitanicScore> Create() { lock (this) return ml.Model.CreatePredictionEngine<TitanicRow, TitanicScore>(model); }
    public bool Return(PredictionEngine<TitanicRow, TitanicScore> obj) => true;
}
