#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static long long now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1000000000LL+t.tv_nsec;}
int main(int c,char**v){double secs=atof(v[1]);long long end=now()+(long long)(secs*1e9),prev=now();long long hist[8]={0};long long total=0;
 while(1){long long t=now();long long g=t-prev;prev=t;if(t>end)break;
  if(g>50000){total+=g;int b=g<100000?0:g<250000?1:g<500000?2:g<1000000?3:g<2000000?4:g<4000000?5:g<8000000?6:7;hist[b]++;}}
 printf("gaps 50-100us %lld, 100-250 %lld, 250-500 %lld, 0.5-1ms %lld, 1-2ms %lld, 2-4ms %lld, 4-8ms %lld, >8ms %lld; total %.1f ms\n",hist[0],hist[1],hist[2],hist[3],hist[4],hist[5],hist[6],hist[7],total/1e6);}
