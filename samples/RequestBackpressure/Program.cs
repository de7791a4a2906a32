using System;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Samples;

namespace RequestBackpressure;

/// <summary>
/// Starts Kestrel on a loopback port and sends it 100,000 POSTs, 256 at a time, from an HttpClient in the same process.
/// Each request saves an order and leaves a confirmation mail behind: a 16 KB rendered body held until a mail server
/// that takes 32 messages at a time and 10 ms per message has sent it. Two endpoints, each in a fresh process:
///   original — the code BND1005 reports: <c>_ = Task.Run(() =&gt; SendConfirmationAsync(id))</c>;
///   fixed    — what the fix writes: a shared SemaphoreSlim (MaxBackgroundWork = 32) awaited before the start and
///              released when the mail is sent.
/// Prints requests answered, time to answer them, mails sent when the last response came and in total, peak mails in
/// flight, peak working set, peak GC heap and peak thread count.
/// Usage: dotnet run -c Release --project samples/RequestBackpressure [-- requests]
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length >= 1 && args[0] is "original" or "fixed")
        {
            return await RunModeAsync(args[0], args.Length > 1 ? int.Parse(args[1]) : 100_000);
        }

        var requests = args.Length > 0 ? int.Parse(args[0]) : 100_000;
        Console.WriteLine($"{requests:N0} requests, 256 at a time; per request a 16 KB mail to a server taking 32 at a time, 10 ms each; {Environment.ProcessorCount} cores");
        Console.WriteLine($"{"endpoint",-9} {"answered",9} {"in",8} {"sent then",10} {"sent",8} {"peak in flight",15} {"peak working set",17} {"peak GC heap",13} {"peak threads",13}");
        foreach (var mode in new[] { "original", "fixed" })
        {
            var child = Process.Start(new ProcessStartInfo(Environment.ProcessPath!, $"{mode} {requests}") { RedirectStandardOutput = true })!;
            Console.Write(await child.StandardOutput.ReadToEndAsync());
            await child.WaitForExitAsync();
        }

        return 0;
    }

    private static async Task<int> RunModeAsync(string mode, int requests)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<MailServer>();
        builder.Services.AddControllers();
        await using var app = builder.Build();
        app.MapControllers();
        await app.StartAsync();
        var mail = app.Services.GetRequiredService<MailServer>();

        using var sampler = new PeakSampler();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri(app.Urls.First()) };
        using var senders = new SemaphoreSlim(256);
        var clock = Stopwatch.StartNew();
        var answered = 0;
        await Task.WhenAll(Enumerable.Range(0, requests).Select(async id =>
        {
            await senders.WaitAsync();
            try
            {
                using var response = await http.PostAsync($"/{mode}/{id}", null);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref answered);
                }
            }
            finally
            {
                senders.Release();
            }
        }));
        var answerTime = clock.Elapsed;
        var sentThen = mail.Sent;
        while (mail.Sent < answered)
        {
            await Task.Delay(10);
        }

        sampler.Stop();
        Console.WriteLine($"{mode,-9} {answered,9:N0} {answerTime.TotalSeconds,6:F1} s {sentThen,10:N0} {mail.Sent,8:N0} {mail.PeakInFlight,15:N0} {sampler.PeakWorkingSet / 1048576.0,14:N0} MB {sampler.PeakHeap / 1048576.0,10:N0} MB {sampler.PeakThreads,13}");
        await app.StopAsync();
        return answered == requests && mail.Sent == requests ? 0 : 1;
    }
}

/// <summary>A mail server that accepts 32 messages at a time and takes 10 ms per message; counts what it was handed.</summary>
public sealed class MailServer
{
    private readonly SemaphoreSlim _connections = new SemaphoreSlim(32);
    private int _inFlight;
    private int _peakInFlight;
    private int _sent;

    public int Sent => Volatile.Read(ref _sent);

    public int PeakInFlight => Volatile.Read(ref _peakInFlight);

    public async Task SendAsync(byte[] body)
    {
        var inFlight = Interlocked.Increment(ref _inFlight);
        int peak;
        while ((peak = Volatile.Read(ref _peakInFlight)) < inFlight && Interlocked.CompareExchange(ref _peakInFlight, inFlight, peak) != peak)
        {
        }

        await _connections.WaitAsync();
        try
        {
            await Task.Delay(10);
            GC.KeepAlive(body);
        }
        finally
        {
            _connections.Release();
            Interlocked.Decrement(ref _inFlight);
            Interlocked.Increment(ref _sent);
        }
    }

    public static byte[] Render(int order)
    {
        var body = new byte[16 * 1024];
        body[order % body.Length] = 1;
        return body;
    }
}

/// <summary>The endpoint as written: every request leaves a mail behind and nothing limits how many are pending.</summary>
[ApiController]
[Route("original")]
public sealed class OriginalOrdersController : ControllerBase
{
    private readonly MailServer _mail;

    public OriginalOrdersController(MailServer mail) => _mail = mail;

    [HttpPost("{id}")]
    public async Task<IActionResult> Place(int id)
    {
        await Task.Yield(); // saving the order
        _ = Task.Run(() => _mail.SendAsync(MailServer.Render(id)));
        return Accepted();
    }
}

/// <summary>The same endpoint as BND1005's fix rewrites it.</summary>
[ApiController]
[Route("fixed")]
public sealed class FixedOrdersController : ControllerBase
{
    private const int MaxBackgroundWork = 32;
    private static readonly SemaphoreSlim BackgroundWorkSlots = new SemaphoreSlim(MaxBackgroundWork);

    private readonly MailServer _mail;

    public FixedOrdersController(MailServer mail) => _mail = mail;

    [HttpPost("{id}")]
    public async Task<IActionResult> Place(int id)
    {
        await Task.Yield(); // saving the order
        await BackgroundWorkSlots.WaitAsync();
        _ = Task.Run(async () =>
        {
            try
            {
                await _mail.SendAsync(MailServer.Render(id));
            }
            finally
            {
                BackgroundWorkSlots.Release();
            }
        });
        return Accepted();
    }
}
