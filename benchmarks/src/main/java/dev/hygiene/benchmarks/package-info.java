/** JMH benchmarks of hygiene beside its peers; results in benchmarks/RESULTS.md. */
package dev.hygiene.benchmarks;
