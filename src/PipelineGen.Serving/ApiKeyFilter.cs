using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace PipelineGen.Serving;

/// <summary>
/// Requires the configured API key in the <c>X-Api-Key</c> header. Both sides are hashed with SHA-256 and compared with
/// <see cref="CryptographicOperations.FixedTimeEquals"/>, so neither the key's content nor its length shows in the timing.
/// </summary>
internal sealed class ApiKeyFilter(string key) : IEndpointFilter
{
    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var given = context.HttpContext.Request.Headers[ServingOptions.ApiKeyHeader].ToString();
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(given), hash);
        if (given.Length > 0 && CryptographicOperations.FixedTimeEquals(hash, _expected)) return next(context);
        return ValueTask.FromResult<object?>(Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "API key required",
            detail: $"Send the service's API key in the {ServingOptions.ApiKeyHeader} header."));
    }
}
