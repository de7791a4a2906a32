using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Consumer;

/// <summary>Stands in for Microsoft.Extensions.Hosting.BackgroundService, which this consumer does not reference.</summary>
public abstract class HostedWorker
{
    protected abstract Task ExecuteAsync(CancellationToken stoppingToken);
}

public sealed class Heartbeat : HostedWorker
{
    private readonly HttpClient _http = new HttpClient();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (true) // expect-strict BND2002
        {
            await _http.GetAsync("https://example.org/ping");
            await Task.Delay(5000);
        }
    }
}

public sealed class PageCache
{
    private readonly HttpClient _http = new HttpClient();

    public void Warm(string url, CancellationToken cancellationToken)
    {
        _ = Task.Run(() => _http.GetStringAsync(url)); // expect-strict BND2001
    }

    public async Task<string> FetchAsync(string url, CancellationToken cancellationToken)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken); // expect-strict BND2003
        cts.CancelAfter(TimeSpan.FromSeconds(10));
        return await _http.GetStringAsync(url, cts.Token);
    }

    public async Task<string> FetchWithBudgetAsync(string url, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(10));
        return await _http.GetStringAsync(url, cts.Token);
    }

    public void Refresh(string url, CancellationToken cancellationToken)
    {
        _ = Task.Run(() => _http.GetStringAsync(url, cancellationToken), cancellationToken);
    }
}
