using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Channels;
using System.Threading.Tasks;
using System.Threading.Tasks.Dataflow;

namespace Consumer;

public sealed class Queues
{
    private readonly Channel<string> _events = Channel.CreateUnbounded<string>(); // expect-strict BND4001

    public void ResizeAll(string folder)
    {
        Parallel.ForEach(Directory.EnumerateFiles(folder), new ParallelOptions { MaxDegreeOfParallelism = -1 }, path => File.Copy(path, path + ".bak")); // expect BND4002
    }

    public ActionBlock<string> Uploader() => new ActionBlock<string>(
        path => File.ReadAllBytesAsync(path),
        new ExecutionDataflowBlockOptions { BoundedCapacity = 100, MaxDegreeOfParallelism = DataflowBlockOptions.Unbounded }); // expect BND4002

    public int[] Lengths(List<string> lines) => lines.AsParallel().WithDegreeOfParallelism(lines.Count).Select(l => l.Length).ToArray(); // expect BND4002

    public Task RunAsync(List<int> ids) => Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = -1 }, async (id, ct) => await Task.Delay(id, ct));

    public async Task PublishAsync(string name) => await _events.Writer.WriteAsync(name);
}
