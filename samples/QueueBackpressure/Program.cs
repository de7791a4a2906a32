using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Samples;

namespace QueueBackpressure;

/// <summary>
/// A producer that makes 200,000 messages of 2 KB as fast as it can, and a consumer that needs about a millisecond per
/// 50 messages. With an unbounded channel the backlog piles up in memory; with the bounded channel BND4001's fix writes
/// (capacity 1024, FullMode = Wait, TryWrite → await WriteAsync) the producer waits and memory stays flat.
/// Every message is checked to arrive exactly once in both runs.
/// </summary>
public static class Program
{
    private const int MessageCount = 200_000;
    private const int PayloadBytes = 2048;
    private const int QueueCapacity = 1024;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 1)
        {
            return await RunOneAsync(args[0] == "bounded");
        }

        Console.WriteLine($"{MessageCount:N0} messages of {PayloadBytes:N0} bytes, fast producer, slow consumer (each run in its own process)");
        Console.WriteLine();
        Console.WriteLine($"{"channel",-30} {"received",10} {"time",8} {"peak working set",18} {"peak GC heap",14}");
        var failed = RunChild("unbounded") | RunChild("bounded");
        return failed;
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

    private static async Task<int> RunOneAsync(bool bounded)
    {
        // Before the fix (BND4001 reports it) and after it, exactly as the fix writes it.
        var channel = bounded
            ? Channel.CreateBounded<byte[]>(new BoundedChannelOptions(QueueCapacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait })
            : Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

        using var peaks = new PeakSampler();
        var clock = Stopwatch.StartNew();

        var consumer = Task.Run(async () =>
        {
            var seen = new bool[MessageCount];
            var count = 0;
            await foreach (var message in channel.Reader.ReadAllAsync())
            {
                var id = BitConverter.ToInt32(message, 0);
                if (seen[id])
                {
                    throw new InvalidOperationException("message " + id + " arrived twice");
                }

                seen[id] = true;
                if (++count % 50 == 0)
                {
                    await Task.Delay(1); // the slow part: a database write, an HTTP call …
                }
            }

            return count;
        });

        var producer = Task.Run(async () =>
        {
            for (var i = 0; i < MessageCount; i++)
            {
                var message = new byte[PayloadBytes];
                BitConverter.TryWriteBytes(message, i);
                if (bounded)
                {
                    await channel.Writer.WriteAsync(message);
                }
                else
                {
                    channel.Writer.TryWrite(message);
                }
            }

            channel.Writer.Complete();
        });

        await producer;
        var received = await consumer;
        clock.Stop();
        peaks.Stop();

        var name = bounded ? "bounded (capacity 1,024, Wait)" : "unbounded";
        Console.WriteLine($"{name,-30} {received,10:N0} {clock.Elapsed.TotalSeconds,7:F1}s {Mb(peaks.PeakWorkingSet),15:N0} MB {Mb(peaks.PeakHeap),11:N0} MB");
        return received == MessageCount ? 0 : 1;
    }

    private static double Mb(long bytes) => bytes / (1024.0 * 1024.0);
}
