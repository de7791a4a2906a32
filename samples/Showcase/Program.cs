using System;
using System.Threading.Tasks;

namespace Showcase;

/// <summary>Each file in this folder holds one pattern a Bounded rule reports, next to its bounded form.</summary>
public static class Program
{
    public static async Task Main()
    {
        await Concurrency.RunAsync();
        await Queues.RunAsync();
        await Pooling.RunAsync();
        Memory.Run();
        await Lifetime.RunAsync();
        Console.WriteLine("Showcase ran. Build it to see the warnings: dotnet build samples/Showcase");
    }
}
