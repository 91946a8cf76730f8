using System.Net.Http.Headers;
using System.Net;
using AssignBridge.Secrets;

namespace AssignBridge.Kibana;

// Puts the API key on every Kibana request. When Kibana answers 401 the key may have been rotated:
// the key is re-read from its source once and the request sent once more; a second 401 stands.
internal sealed class KibanaAuthHandler(KibanaApiKeyProvider keys, ILogger<KibanaAuthHandler> logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var key = await keys.GetAsync(cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("ApiKey", key.Value);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        var fresh = await keys.RefreshAsync(key, cancellationToken);
        if (fresh.Value == key.Value)
        {
            Log.KeyRejectedNoNewerKey(logger);
            return response;
        }

        Log.KeyRotated(logger);
        response.Dispose();
        request.Headers.Authorization = new AuthenticationHeaderValue("ApiKey", fresh.Value);
        return await base.SendAsync(request, cancellationToken);
    }
}
