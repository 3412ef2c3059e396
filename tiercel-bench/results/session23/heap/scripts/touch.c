/* Session 23: what a first touch of a fresh 4 KB page costs on this machine, and how often one
 * stalls. Maps SIZE_MB of anonymous memory (or a memfd, as ZGC's heap is, with "s"), writes one
 * byte a page timing each write, then writes them all again (already backed).
 *   gcc -O2 -o touch touch.c && ./touch 1024 && ./touch 1024 s
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
static long ns(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1000000000L+t.tv_nsec;}
int main(int argc,char**argv){
  long size=atol(argv[1])<<20; int shm=argc>2&&argv[2][0]=='s';
  char*p;
  if(shm){int fd=memfd_create("h",0);ftruncate(fd,size);p=mmap(0,size,PROT_READ|PROT_WRITE,MAP_SHARED,fd,0);}
  else p=mmap(0,size,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS,-1,0);
  madvise(p,size,MADV_NOHUGEPAGE);
  long n=size/4096, worst=0, over100=0, over1ms=0; long t0=ns();
  for(long i=0;i<n;i++){long a=ns();p[i*4096]=1;long d=ns()-a; if(d>worst)worst=d; if(d>100000)over100++; if(d>1000000)over1ms++;}
  long t=ns()-t0;
  printf("%s %ld MB: %.2f us/page, worst %.2f ms, >100us %ld, >1ms %ld\n",shm?"memfd":"anon",size>>20,(double)t/n/1000,worst/1e6,over100,over1ms);
  /* second pass: already-backed */
  t0=ns(); for(long i=0;i<n;i++)p[i*4096]=2; printf("  retouch %.3f us/page\n",(double)(ns()-t0)/n/1000);
  return 0;}
