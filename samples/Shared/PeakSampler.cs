using System;
using System.Diagnostics;
using System.Threading;

namespace Samples;

/// <summary>
/// Samples the process every 5 ms on its own thread (so a starved thread pool cannot delay it): peak working set,
/// peak GC heap and peak thread count. Linked into each sample that prints before/after figures.
/// </summary>
public sealed class PeakSampler : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stop;

    public PeakSampler()
    {
        _thread = new Thread(Sample) { IsBackground = true, Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public long PeakWorkingSet { get; private set; }

    public long PeakHeap { get; private set; }

    public int PeakThreads { get; private set; }

    private void Sample()
    {
        using var process = Process.GetCurrentProcess();
        while (!_stop)
        {
            process.Refresh();
            PeakWorkingSet = Math.Max(PeakWorkingSet, process.WorkingSet64);
            PeakHeap = Math.Max(PeakHeap, GC.GetTotalMemory(forceFullCollection: false));
            PeakThreads = Math.Max(PeakThreads, process.Threads.Count);
            Thread.Sleep(5);
        }
    }

    public void Stop()
    {
        if (_stop)
        {
            return;
        }

        _stop = true;
        _thread.Join();
        using var process = Process.GetCurrentProcess();
        PeakWorkingSet = Math.Max(PeakWorkingSet, process.PeakWorkingSet64);
    }

    public void Dispose() => Stop();
}
