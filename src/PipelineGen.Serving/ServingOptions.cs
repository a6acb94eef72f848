using System.Net;

namespace PipelineGen.Serving;

/// <summary>
/// How the REST service runs. The defaults are the secure ones: loopback only, a 1 MiB body limit, at most 1,000 rows per
/// batch, no API key (set <see cref="ApiKey"/>, or the <c>PIPELINEGEN_API_KEY</c> environment variable for <c>serve</c>, to require one).
/// </summary>
public sealed class ServingOptions
{
    /// <summary>Environment variable <c>serve</c> reads the API key from (a key on the command line would show in the process list).</summary>
    public const string ApiKeyVariable = "PIPELINEGEN_API_KEY";

    /// <summary>Header that carries the API key.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>Model path (a logical name such as <c>.pipelinegen/models/Name.zip</c> whose <c>Name/current</c> pointer is followed); null: the pipeline's default.</summary>
    public string? ModelPath { get; set; }

    /// <summary>Address to bind: an IP address or <c>localhost</c>. Default 127.0.0.1: reachable from this machine only.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (tests). Default: the spec's <c>deploy.rest.port</c>, else 5000.</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>The port when the spec names none.</summary>
    public const int DefaultPort = 5000;

    /// <summary>Largest request body accepted (413 beyond it).</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Most rows one batch request may hold (400 beyond it).</summary>
    public int MaxBatchRows { get; set; } = 1000;

    /// <summary>When set, every route except <c>/health</c> and <c>/ready</c> needs this value in the <c>X-Api-Key</c> header (compared in constant time).</summary>
    public string? ApiKey { get; set; }

    /// <summary>How often the model pointer is checked for a new version (hot reload). Zero or less: never.</summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Serve OpenAPI at <c>/openapi/v1.json</c>.</summary>
    public bool OpenApi { get; set; } = true;

    /// <summary>The address <see cref="Host"/> names.</summary>
    /// <exception cref="ArgumentException">Not an IP address or <c>localhost</c>.</exception>
    public IPAddress ParseHost()
    {
        if (string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase)) return IPAddress.Loopback;
        if (IPAddress.TryParse(Host, out var address)) return address;
        throw new ArgumentException($"--host '{Host}' is not an IP address. Use 127.0.0.1 (this machine only, the default), ::1, or 0.0.0.0 to listen on every interface (then set {ApiKeyVariable}).");
    }
}
