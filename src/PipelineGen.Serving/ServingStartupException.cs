namespace PipelineGen.Serving;

/// <summary>The service cannot start: no model, a model that does not load, or one that does not fit the generated types.</summary>
public sealed class ServingStartupException(string message, Exception? inner = null) : Exception(message, inner);
