using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace StrandedReaders;

/// <summary>
/// 10,000 requests, each reading rows from a source into a channel that a consumer task sums. One source in ten fails
/// part-way (a dropped client, a bad row). The original producer completes the channel only when nothing throws, which
/// BND4003 reports; the fixed one is exactly what the fix writes (TryComplete(exception) in catch, TryComplete() in
/// finally). The service tracks its consumers to drain them at shutdown, as hosted services do, so a stranded consumer
/// stays reachable with its 16 KB of working state. After every request has returned, the program counts the consumers
/// that never finished and the managed memory they keep after a full collection.
/// </summary>
public static class Program
{
    private const int Requests = 10_000;
    private const int RowsPerRequest = 50;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 1)
        {
            return await RunOneAsync(args[0] == "fixed");
        }

        Console.WriteLine($"{Requests:N0} requests, {RowsPerRequest} rows each, one source in ten fails (each run in its own process)");
        Console.WriteLine();
        Console.WriteLine($"{"producer",-34} {"ok",7} {"failed",7} {"stranded readers",17} {"managed memory after GC",24}");
        return RunChild("original") | RunChild("fixed");
    }

    private static int RunChild(string mode)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(Program).Assembly.Location);
        }

        start.ArgumentList.Add(mode);
        using var child = Process.Start(start)!;
        Console.Write(child.StandardOutput.ReadToEnd());
        child.WaitForExit();
        return child.ExitCode;
    }

    private static async Task<int> RunOneAsync(bool fixedProducer)
    {
        var service = new ReportService();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var ok = 0;
        var failed = 0;
        long expected = 0;
        for (var request = 0; request < Requests; request++)
        {
            var fails = request % 10 == 9;
            try
            {
                var sum = fixedProducer
                    ? await service.SumFixedAsync(Rows(request, fails))
                    : await service.SumOriginalAsync(Rows(request, fails)).WaitAsync(TimeSpan.FromSeconds(1));
                expected += Sum(request);
                if (sum != Sum(request))
                {
                    Console.WriteLine($"request {request}: sum {sum}, expected {Sum(request)}");
                    return 1;
                }

                ok++;
            }
            catch (Exception ex) when (ex is InvalidDataException or TimeoutException)
            {
                failed++;
            }
        }

        await Task.Delay(500); // let every consumer that can finish do so
        var stranded = service.Running;
        var memory = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        var name = fixedProducer ? "fixed (complete in finally)" : "original (complete on success only)";
        Console.WriteLine($"{name,-34} {ok,7:N0} {failed,7:N0} {stranded,17:N0} {memory / (1024.0 * 1024.0),21:N1} MB");
        GC.KeepAlive(service);
        return 0;
    }

    private static long Sum(int request) => (long)RowsPerRequest * request + RowsPerRequest * (RowsPerRequest - 1) / 2;

    private static async IAsyncEnumerable<int> Rows(int request, bool fails)
    {
        for (var i = 0; i < RowsPerRequest; i++)
        {
            if (fails && i == RowsPerRequest / 2)
            {
                throw new InvalidDataException("row " + i + " of request " + request + " is corrupt");
            }

            await Task.Yield();
            yield return request + i;
        }
    }
}

/// <summary>A service that sums a request's rows through a channel, tracking its consumers to drain them at shutdown.</summary>
public sealed class ReportService
{
    private readonly ConcurrentDictionary<Task, byte> _consumers = new();

    /// <summary>Consumers that have not finished.</summary>
    public int Running => _consumers.Count;

    // Before the fix: BND4003 reports the Complete() call, which WriteAsync or the source skip when they throw.
    public async Task<long> SumOriginalAsync(IAsyncEnumerable<int> rows)
    {
        var channel = Channel.CreateBounded<int>(16);
        var consumer = Track(Consume(channel.Reader));
        await foreach (var row in rows)
        {
            await channel.Writer.WriteAsync(row);
        }

        channel.Writer.Complete();
        return await consumer;
    }

    // After the fix, as the fix writes it.
    public async Task<long> SumFixedAsync(IAsyncEnumerable<int> rows)
    {
        var channel = Channel.CreateBounded<int>(16);
        var consumer = Track(Consume(channel.Reader));
        try
        {
            await foreach (var row in rows)
            {
                await channel.Writer.WriteAsync(row);
            }
        }
        catch (Exception exception)
        {
            channel.Writer.TryComplete(exception);
            throw;
        }
        finally
        {
            channel.Writer.TryComplete();
        }

        return await consumer;
    }

    private static async Task<long> Consume(ChannelReader<int> reader)
    {
        var scratch = new byte[16 * 1024]; // the reader's working state: held for as long as it waits
        long sum = 0;
        await foreach (var row in reader.ReadAllAsync())
        {
            scratch[row % scratch.Length]++;
            sum += row;
        }

        return sum;
    }

    private Task<long> Track(Task<long> consumer)
    {
        _consumers.TryAdd(consumer, 0);
        _ = consumer.ContinueWith(done => _consumers.TryRemove(done, out _), TaskScheduler.Default);
        return consumer;
    }
}
