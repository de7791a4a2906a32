using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

using Samples;

namespace FanOut;

/// <summary>
/// Runs the same per-item work (a 16 KB buffer held across a 20 ms asynchronous wait, like a small HTTP call)
/// over 100,000 items in three shapes, each in a fresh process, and prints peak working set, peak GC heap and
/// elapsed time:
///   unbounded   — the code BND1001 reports: one Task.Run per item, then Task.WhenAll;
///   semaphore   — what the SemaphoreSlim fix writes (maxConcurrency = 64);
///   parallel    — what the Parallel.ForEachAsync fix writes (maxConcurrency = 64).
/// Usage: dotnet run -c Release --project samples/FanOut [-- items [maxConcurrency]]
/// </summary>
public static class Program
{
    private const int BufferSize = 16 * 1024;
    private static readonly TimeSpan WorkTime = TimeSpan.FromMilliseconds(20);

    public static async Task<int> Main(string[] args)
    {
        if (args.Length >= 1 && args[0] is "unbounded" or "semaphore" or "parallel")
        {
            var items = args.Length > 1 ? int.Parse(args[1]) : 100_000;
            var limit = args.Length > 2 ? int.Parse(args[2]) : 64;
            return await RunModeAsync(args[0], items, limit);
        }

        var count = args.Length > 0 ? int.Parse(args[0]) : 100_000;
        var maxConcurrency = args.Length > 1 ? int.Parse(args[1]) : 64;
        Console.WriteLine($"{count:N0} items, 16 KB buffer and 20 ms wait per item, maxConcurrency = {maxConcurrency}, {Environment.ProcessorCount} cores");
        Console.WriteLine($"{"shape",-10} {"peak working set",18} {"peak GC heap",14} {"elapsed",10} {"checksum",12}");
        foreach (var mode in new[] { "unbounded", "semaphore", "parallel" })
        {
            var child = Process.Start(new ProcessStartInfo(Environment.ProcessPath!, $"{mode} {count} {maxConcurrency}") { RedirectStandardOutput = true })!;
            Console.Write(await child.StandardOutput.ReadToEndAsync());
            await child.WaitForExitAsync();
        }

        return 0;
    }

    private static async Task<int> RunModeAsync(string mode, int count, int maxConcurrency)
    {
        var items = Enumerable.Range(0, count).ToList();
        using var sampler = new PeakSampler();
        var stopwatch = Stopwatch.StartNew();
        var checksum = mode switch
        {
            "unbounded" => await UnboundedAsync(items),
            "semaphore" => await SemaphoreAsync(items, maxConcurrency),
            _ => await ParallelAsync(items, maxConcurrency),
        };
        stopwatch.Stop();
        sampler.Stop();
        Console.WriteLine($"{mode,-10} {sampler.PeakWorkingSet / 1048576.0,15:N1} MB {sampler.PeakHeap / 1048576.0,11:N1} MB {stopwatch.Elapsed.TotalSeconds,8:N2} s {checksum,12}");
        return 0;
    }

    private static async Task<long> WorkAsync(int item)
    {
        var buffer = new byte[BufferSize];
        buffer[item % BufferSize] = 1;
        await Task.Delay(WorkTime);
        return buffer.Length + item;
    }

    // Before: what BND1001 reports.
    private static async Task<long> UnboundedAsync(List<int> items)
    {
        var tasks = new List<Task<long>>();
        foreach (var item in items)
        {
            tasks.Add(Task.Run(() => WorkAsync(item)));
        }

        return (await Task.WhenAll(tasks)).Sum();
    }

    // After: the SemaphoreSlim fix's output (with bounded.max_concurrency set).
    private static async Task<long> SemaphoreAsync(List<int> items, int limit)
    {
        var tasks = new List<Task<long>>();
        var maxConcurrency = limit;
        var throttle = new SemaphoreSlim(maxConcurrency);
        foreach (var item in items)
        {
            await throttle.WaitAsync();
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    return await WorkAsync(item);
                }
                finally
                {
                    throttle.Release();
                }
            }));
        }

        return (await Task.WhenAll(tasks)).Sum();
    }

    // After: the Parallel.ForEachAsync fix's output (results unused there; summed here through a shared counter).
    private static async Task<long> ParallelAsync(List<int> items, int limit)
    {
        long total = 0;
        var maxConcurrency = limit;
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = maxConcurrency }, async (item, ct) =>
        {
            Interlocked.Add(ref total, await WorkAsync(item));
        });
        return total;
    }
}
